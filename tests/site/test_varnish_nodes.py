"""Two Varnish nodes in front of one site, one of them out of the app servers' reach.

Two real varnishd run deploy/varnish.vcl in front of a gunicorn of the tests. This process
writes as an app server does; it reaches the second node through a relay the test can cut,
so that node keeps running and keeps its cache while no purge reaches it, as in a network
partition.
"""

import time

import pytest
from django.test import override_settings

from articles import purge
from articles.models import PageChange, PurgeNode
from tests.site.servers import Gunicorn, Partition, Varnish, fetch, port
from tests.site.test_live_workers import kept_story, responses_showing, warm, withdraw
from tests.site.test_varnish import served_from_varnish

pytestmark = pytest.mark.django_db(transaction=True)


def app_servers() -> Gunicorn:
    return Gunicorn(port(32), workers=3, VARNISH_PURGE_URLS=f"http://127.0.0.1:{port(30)}/")


@pytest.fixture(scope="module")
def servers(django_db_setup):
    running = {"site": app_servers()}
    running["live"] = Varnish(port(30), backend_port=port(32))
    running["cut_off"] = Varnish(port(34), backend_port=port(32))
    running["partition"] = Partition(port(36), target=port(34))
    yield running
    for name in ("partition", "cut_off", "live", "site"):
        running[name].stop()


@pytest.fixture
def cluster(servers):
    """The two nodes and the cut, with app servers started afresh for the test: an earlier
    test's workers would keep pages of a database since emptied (a place page tagged with the
    earlier test's place), at the same addresses, which no change of this test names."""
    servers["site"].stop()
    servers["site"] = app_servers()
    return servers["live"], servers["cut_off"], servers["partition"]


@pytest.fixture(autouse=True)
def purging(cluster):
    live, cut_off, partition = cluster
    partition.restore()
    for node in (live, cut_off):
        node.forget_everything()  # pages of earlier tests name places and stories since gone
    with override_settings(
        # The unreachable node first: a failure there must not stop the purge of the next.
        VARNISH_PURGE_URLS=[partition.url, live.url + "/"],
        PAGE_PURGER="articles.purge.VarnishPurger",
        PAGE_PURGE_REPEAT_SECONDS=0,
        PAGE_PURGE_RETRY_MAX_SECONDS=1,
    ):
        yield


def caught_up(name: str, timeout: float = 15) -> PurgeNode:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = PurgeNode.objects.get(name=name)
        if record.failing_since is None and record.purged_through == purge.last_change():
            return record
        time.sleep(0.2)
    pytest.fail(f"{name} never caught up: {PurgeNode.objects.get(name=name).__dict__}")


def test_a_kill_reaches_the_live_node_and_later_the_one_that_was_out_of_reach(cluster, editor):
    live, cut_off, partition = cluster
    article, urls = kept_story()
    warm(live.url, article, urls)
    warm(cut_off.url, article, urls)
    assert served_from_varnish(fetch(cut_off.url + urls[0])[1])

    partition.cut()
    withdraw(article, editor)

    assert responses_showing(live.url, article, urls) == []  # 0 stale of 78
    # The other node kept its cache and was told nothing: readers there still see the story.
    assert responses_showing(cut_off.url, article, urls) != []
    behind = PurgeNode.objects.get(name=partition.url)
    assert behind.failing_since is not None
    assert behind.purged_through < PageChange.objects.order_by("-seq").first().seq

    partition.restore()
    caught_up(partition.url)

    assert responses_showing(cut_off.url, article, urls) == []
    assert fetch(cut_off.url + urls[0])[0] == 410


def test_every_change_missed_while_out_of_reach_is_sent(cluster, editor):
    from articles.editorial.actions import save_article

    _, cut_off, partition = cluster
    first, first_urls = kept_story()
    other, _ = kept_story("Another story entirely")
    warm(cut_off.url, first, first_urls)
    fetch(cut_off.url + other.get_absolute_url())

    partition.cut()
    other.refresh_from_db()
    other.body = "A silent fix while the node is out of reach."
    save_article(other, by=editor, kind="silent_fix")
    withdraw(first, editor)
    partition.restore()
    caught_up(partition.url)

    assert responses_showing(cut_off.url, first, first_urls) == []
    _, headers, body = fetch(cut_off.url + other.get_absolute_url())
    assert "A silent fix while the node is out of reach." in body
    assert not served_from_varnish(headers)


def test_a_node_left_behind_is_caught_up_by_a_restarted_app(cluster, editor):
    """The record is in the database: an app process started afresh resumes the retries."""
    live, cut_off, partition = cluster
    article, urls = kept_story()
    warm(cut_off.url, article, urls)
    partition.cut()
    withdraw(article, editor)
    assert PurgeNode.objects.get(name=partition.url).failing_since is not None

    with override_settings(PAGE_PURGER=""):  # this process purges no more, as if it had ended
        partition.restore()
        site = Gunicorn(port(38), workers=1, VARNISH_PURGE_URLS=f"{live.url}/,{partition.url}")
        try:
            caught_up(partition.url)
        finally:
            site.stop()

    assert responses_showing(cut_off.url, article, urls) == []


def test_a_purge_larger_than_a_header_reaches_every_page(cluster):
    live, _, _ = cluster
    article, urls = kept_story()
    warm(live.url, article, urls)
    keys = {f"story-{n}" for n in range(1_000_000, 1_000_700)} | {f"story-{article.pk}"}

    purge.VarnishNode(live.url + "/").purge(keys)

    assert not served_from_varnish(fetch(live.url + urls[0])[1])


def test_the_operator_sees_a_node_behind(cluster, editor, capsys):
    from django.core.management import CommandError, call_command

    live, _, partition = cluster
    article, _ = kept_story()
    partition.cut()
    withdraw(article, editor)

    with pytest.raises(CommandError, match="1 cache node is behind"):
        call_command("check_cache_nodes")
    report = capsys.readouterr().out
    assert f"ok      {live.url}/" in report
    assert f"BEHIND  {partition.url}" in report

    partition.restore()
    call_command("check_cache_nodes", "--deliver")
    assert "BEHIND" not in capsys.readouterr().out
