"""The follower as operators run it: `manage.py ingest_wires --follow` in its own process."""

import os
import signal
import subprocess
import sys
import time

from tests.site.servers import PROJECT_DIR, shared_database_url


class FollowerProcess:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "ingest_wires", "--follow"],
            cwd=PROJECT_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": shared_database_url(),
                "LOG_LEVEL": "ERROR",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_following(self, timeout: float = 30) -> None:
        line = ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and "Following" not in line:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                raise RuntimeError(f"the follower stopped: {self.process.stderr.read()}")

    def stop(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err
