"""The follower in its own process: it polls the configured folder, only one runs at a time,
and SIGTERM stops it cleanly."""

import shutil
import time

import pytest

from articles.wires.models import WireItem, WireSource
from tests.wires.follower import FollowerProcess
from tests.wires.helpers import LIFECYCLE

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_follower_polls_a_folder_alone_and_stops_on_sigterm(tmp_path):
    WireSource.objects.create(name="Drop box", kind="folder", location=str(tmp_path),
                              poll_seconds=1)  # fmt: skip
    follower = FollowerProcess()
    follower.wait_until_following()
    second = FollowerProcess()
    refused = second.process.wait(timeout=60)

    shutil.copy(LIFECYCLE / "1-first.json", tmp_path)
    deadline = time.monotonic() + 30
    while not WireItem.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    status, out, err = follower.stop()

    assert refused == 1
    assert "another wire follower is running" in second.process.stderr.read()
    assert WireItem.objects.get().version == "1"
    assert "Drop box: 1 new" in out
    assert (status, err.strip().splitlines()[-1]) == (0, "Stopped.")
