"""The parser's length limits are the database's: a dump the parser accepts always fits."""

from articles.importer import format as legacy
from articles.models import Article, Dateline


def test_parser_limits_match_the_columns():
    column = lambda model, name: model._meta.get_field(name).max_length  # noqa: E731

    assert column(Article, "headline") == legacy.MAX_HEADLINE_LENGTH
    assert column(Article, "legacy_id") == legacy.MAX_LEGACY_ID_LENGTH
    assert column(Dateline, "country") == legacy.MAX_PLACE_LENGTH
    assert column(Dateline, "region") == legacy.MAX_PLACE_LENGTH
    assert column(Dateline, "city") == legacy.MAX_PLACE_LENGTH
