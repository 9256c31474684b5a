"""Plain helpers for the importer's tests: running the command, writing dumps."""

from pathlib import Path

from tests.helpers import run_command

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT_DIR / "samples" / "legacy-dumps"
GOOD_SAMPLES = sorted(SAMPLES.glob("00[0-4]_*.txt"))


def run_import(*args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one run of the command."""
    return run_command("import_legacy", *args)


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
