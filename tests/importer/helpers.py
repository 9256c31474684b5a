"""Plain helpers for the importer's tests: running the command, writing dumps."""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT_DIR / "samples" / "legacy-dumps"
GOOD_SAMPLES = sorted(SAMPLES.glob("00[0-4]_*.txt"))


def run_import(*args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one run of the command."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_legacy", *map(str, args), stdout=stdout, stderr=stderr)
    except CommandError as exc:
        stderr.write(str(exc))
        return exc.returncode, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def dump_text(headline="Port workers end three-day strike", body="Dock workers returned.", **kw):
    published = kw.get("published", "Mar 3, 2019, 12:15 pm IST")
    location = kw.get("location", "India, Maharashtra, Mumbai")
    return (
        f"{headline}\n\n{headline}\n\nPublished : {published}\n\n{body}\n\nLocation: {location}\n"
    ).encode()


def write_dump(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
