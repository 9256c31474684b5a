"""One spelling per country, whatever its cities and regions, however a place comes in."""

import importlib

import pytest
from django.apps import apps

from articles.models import Dateline
from tests.factories import ArticleFactory
from tests.importer.helpers import dump_text, run_import

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0015_one_spelling_per_country")
DATELINES = "/admin/articles/dateline/"


@pytest.fixture
def india():
    return Dateline.objects.create(country="India", region="Maharashtra", city="Mumbai")


def test_a_new_place_takes_the_spelling_its_country_already_has(india):
    kochi = Dateline.objects.create(country=" india ", region="Kerala", city="Kochi")

    assert kochi.country == "India"
    assert str(kochi) == "KOCHI, Kerala"
    assert set(Dateline.objects.values_list("country", flat=True)) == {"India"}


def test_a_new_country_is_kept_as_typed_and_a_lone_place_can_be_respelled(india):
    nepal = Dateline.objects.create(country="NEPAL")
    nepal.country = "Nepal"
    nepal.save()

    assert Dateline.objects.get(pk=nepal.pk).country == "Nepal"


def test_a_place_found_or_made_by_the_importer_takes_the_spelling_too(india, tmp_path):
    dump = tmp_path / "000_0123456789abcdef.txt"
    dump.write_bytes(dump_text(location="india, Kerala, Kochi"))

    run_import(dump, "--quiet")

    assert set(Dateline.objects.values_list("country", flat=True)) == {"India"}
    assert Dateline.objects.get(city="Kochi").articles.count() == 1


def test_the_admin_adds_kochi_india_under_india(editor_client, india):
    response = editor_client.post(
        f"{DATELINES}add/", {"country": "india", "region": "Kerala", "city": "Kochi"}
    )

    assert response.status_code == 302
    assert Dateline.objects.get(city="Kochi").country == "India"
    page = editor_client.get(f"{DATELINES}add/").text
    assert "a new place takes the spelling the country already has" in page


def test_readers_get_one_country_page_and_one_name(client, india):
    kochi = Dateline.objects.create(country="india", region="Kerala", city="Kochi")
    ArticleFactory(published=True, dateline=india, headline="Rain in Mumbai")
    ArticleFactory(published=True, dateline=kochi, headline="Rain in Kochi")

    page = client.get("/places/india/").text

    assert "Rain in Mumbai" in page
    assert "Rain in Kochi" in page
    assert ">india<" not in page


def test_the_migration_merges_a_second_spelling_into_the_one_most_stories_show():
    first = Dateline.objects.create(country="india", city="Kochi")
    # Stored before the rule: written around save(), as the old code could.
    Dateline.objects.bulk_create(
        [
            Dateline(country="India", city="Mumbai"),
            Dateline(country="India", city="Chennai"),
            Dateline(country="INDIA", city="Pune"),
            Dateline(country="Nepal", city="Kathmandu"),
        ]
    )
    for city in ("Mumbai", "Mumbai", "Chennai"):
        ArticleFactory(dateline=Dateline.objects.get(city=city))
    ArticleFactory(dateline=first)

    migration.one_spelling_per_country(apps, None)

    assert dict(Dateline.objects.values_list("city", "country")) == {
        "Kochi": "India",
        "Mumbai": "India",
        "Chennai": "India",
        "Pune": "India",
        "Kathmandu": "Nepal",
    }


def test_the_migration_keeps_the_first_spelling_when_no_story_decides():
    Dateline.objects.bulk_create(
        [Dateline(country="sri lanka", city="Colombo"), Dateline(country="Sri Lanka", city="Kandy")]
    )

    migration.one_spelling_per_country(apps, None)

    assert set(Dateline.objects.values_list("country", flat=True)) == {"sri lanka"}
