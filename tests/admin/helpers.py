"""The admin's addresses and what its story form posts, for admin, workflow and browser tests."""

CHANGELIST = "/admin/articles/article/"
ADD = "/admin/articles/article/add/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def form_data(article, **overrides):
    """What the change form posts for `article` as loaded, plus the editor's changes."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "deck": article.deck,
        "byline": article.byline,
        "body": article.body,
        "urgency": article.urgency,
        "slugline": article.slugline,
        "dateline": article.dateline_id or "",
        "tags": [tag.pk for tag in article.tags.all()] if article.pk else [],
        "loaded_version": article.version,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": str(article.updates.count()) if article.pk else "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def post_story_workflow(client, article, operation, reason, *, version=None):
    """Confirm `operation` (unpublish, withdraw, republish) on the story's own page."""
    return client.post(
        f"/admin/articles/article/{article.pk}/{operation}/",
        {
            f"version_{article.pk}": article.version if version is None else version,
            "reason": reason,
            "post": "yes",
        },
    )
