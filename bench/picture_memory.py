"""Peak memory of one picture upload's checks and renditions, for a 40-megapixel photo.

Each round runs a fresh Python process that imports Django and Pillow, reads the file into
memory (as an upload already on disk would be opened) and then either stops (the baseline) or
runs what an upload runs: `check_upload` (the header checks, the metadata, the decode) and
`make_renditions` (every width in WebP and JPEG, and the three crops). The process's own peak
resident memory (VmHWM) minus the baseline's is the upload's cost. Pillow allocates in C,
out of tracemalloc's sight, hence whole processes.

Inputs: a 40-megapixel JPEG (7,728 by 5,152, the size of a full-frame camera's photo), the
same JPEG with a colour profile embedded (`jpeg+icc`: its colours are converted to sRGB, as a
camera's or an agency's Adobe RGB photo is), and the same as PNG (a lossless format has no
reduced-scale decoding: the cost is the whole bitmap). Medians of --rounds rounds, with their
range.

Usage: .venv/bin/python bench/picture_memory.py [--rounds 5] [--only jpeg,jpeg+icc,png]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024

CHILD = r"""
import io, json, sys, time
import django
django.setup()
from articles.pictures.files import make_renditions
from articles.pictures.library import check_upload

path, format, work = sys.argv[1], sys.argv[2], sys.argv[3] == "work"
data = open(path, "rb").read()
started = time.perf_counter()
renditions = []
if work:
    upload = io.BytesIO(data)
    upload.size = len(data)
    inspected = check_upload(upload, path, "image/" + format.removesuffix("+icc"))
    renditions = make_renditions(inspected)
# VmHWM: this process's own peak; ru_maxrss would carry over the parent's from before exec.
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({
    "peak_kib": int(status["VmHWM"].split()[0]),
    "seconds": time.perf_counter() - started,
    "renditions": len(renditions),
}))
"""


def make_photo(folder: Path, format: str) -> Path:
    """A 40-megapixel picture with a camera's grain, so that it is as large as a real photo's
    file (a smooth test image compresses to almost nothing)."""
    from PIL import Image, ImageCms

    size = (7728, 5152)
    grain = [Image.effect_noise(size, 40).point(lambda v, k=k: (v + k) % 256) for k in (0, 60, 120)]
    photo = Image.merge("RGB", grain)
    if format == "png":
        path = folder / "photo-40mp.png"
        photo.save(path, "PNG", compress_level=1)
        return path
    path = folder / f"photo-40mp-{format}.jpg"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo.save(path, "JPEG", quality=90, **({"icc_profile": profile} if "icc" in format else {}))
    return path


def run(path: Path, format: str, work: bool) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "PICTURE_MAX_BYTES": str(200 * MIB),
    }
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), format, "work" if work else "baseline"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="jpeg,jpeg+icc,png")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-picture-bench-") as folder:
        for format in arguments.only.split(","):
            path = make_photo(Path(folder), format)
            costs, seconds = [], []
            for _ in range(arguments.rounds):
                baseline = run(path, format, work=False)
                upload = run(path, format, work=True)
                costs.append((upload["peak_kib"] - baseline["peak_kib"]) / 1024)
                seconds.append(upload["seconds"])
            size = path.stat().st_size / MIB
            print(
                f"{format:8} 40 MP, file {size:.1f} MiB, {upload['renditions']} renditions: "
                f"peak memory above baseline median {statistics.median(costs):.0f} MiB "
                f"(range {min(costs):.0f}-{max(costs):.0f}), baseline "
                f"{baseline['peak_kib'] / 1024:.0f} MiB; time median "
                f"{statistics.median(seconds):.2f} s over {arguments.rounds} rounds"
            )


if __name__ == "__main__":
    main()
