"""Each role tries each action in the admin: the server allows or refuses it.

Reporters write drafts; Editors do everything on stories. Hidden buttons are not the
protection: every request below is one a reporter could forge.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.editorial import actions
from articles.models import Article, Revision
from tests.admin.helpers import ADD, CHANGELIST, change_url, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reporter"]


@pytest.fixture(params=ROLES)
def role(request, client):
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return request.param


def test_both_roles_write_a_new_draft(client, role):
    data = form_data(Article(), headline="Council meets", slug="council-meets", body="Text.")

    response = client.post(ADD, {**data, "loaded_version": ""})

    assert response.status_code == 302
    assert Article.objects.get().status == "draft"


def test_both_roles_edit_a_draft(client, role):
    draft = ArticleFactory()

    response = client.post(change_url(draft), form_data(draft, headline="Better headline"))

    assert response.status_code == 302
    assert Article.objects.get().headline == "Better headline"


@pytest.mark.parametrize("state", [{"published": True}, {"withdrawn": True}])
def test_only_editors_edit_a_published_or_withdrawn_story(client, role, state):
    article = ArticleFactory(**state)
    data = form_data(article, headline="Changed", save_kind="silent_fix")

    response = client.post(change_url(article), data)

    if role == "editor":
        assert response.status_code == 302
        assert Article.objects.get().headline == "Changed"
    else:
        assert response.status_code == 403
        assert Article.objects.get().version == 1


def test_reporters_see_a_published_story_read_only(reporter_client):
    article = ArticleFactory(published=True)

    response = reporter_client.get(change_url(article))

    assert response.status_code == 200
    assert 'name="headline"' not in response.text
    assert 'name="_publish"' not in response.text


def test_only_editors_publish_from_the_form(client, role):
    draft = ArticleFactory()

    response = client.post(change_url(draft), form_data(draft, _publish="Publish"))

    if role == "editor":
        assert response.status_code == 302
        assert Article.objects.published().exists()
    else:
        assert response.status_code == 200
        assert "You may not publish stories" in response.text
        assert not Article.objects.published().exists()
        assert 'name="_publish"' not in client.get(change_url(draft)).text


@pytest.mark.parametrize(
    ("action", "state", "extra"),
    [
        ("publish_selected", {}, {}),
        ("withdraw_selected", {"published": True}, {"reason": "Unverified."}),
    ],
)
def test_only_editors_run_the_workflow_actions(client, role, action, state, extra):
    article = ArticleFactory(**state)
    post = {
        "action": action,
        "_selected_action": [article.pk],
        f"version_{article.pk}": 1,
        "post": "yes",
        **extra,
    }

    client.post(CHANGELIST, post)

    expected = {"publish_selected": "published", "withdraw_selected": "withdrawn"}[action]
    changed = Article.objects.get().status == expected
    assert changed == (role == "editor")
    offered = action in client.get(CHANGELIST).text
    assert offered == (role == "editor")


def test_only_editors_withdraw_from_the_story_page(client, role):
    article = ArticleFactory(published=True)
    url = f"/admin/articles/article/{article.pk}/withdraw/"

    response = client.post(url, {f"version_{article.pk}": 1, "reason": "No.", "post": "yes"})

    assert response.status_code == (302 if role == "editor" else 403)
    assert (Article.objects.get().status == "withdrawn") == (role == "editor")


def test_nobody_deletes_a_published_story(client, role):
    article = ArticleFactory(published=True)

    client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})

    assert Article.objects.exists()


def test_only_editors_delete_a_draft_never_published(client, role):
    draft = ArticleFactory()

    response = client.post(f"/admin/articles/article/{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == (302 if role == "editor" else 403)
    assert Article.objects.exists() == (role == "reporter")


def test_both_roles_preview_and_read_the_versions(client, role, editor):
    article = Article(headline="Draft one", body="Body.")
    actions.save_article(article, by=editor)

    assert client.get(f"/admin/articles/article/{article.pk}/preview/").status_code == 200
    response = client.get(f"/admin/articles/article/{article.pk}/versions/")
    assert response.status_code == 200
    assert "Draft save" in response.text


def test_only_editors_restore_a_version_of_a_published_story(client, role, editor):
    article = Article(headline="First", body="Body.")
    actions.publish_article(article, by=editor)  # versions 1 (draft) and 2
    article.headline = "Second"
    actions.save_article(article, by=editor, kind="silent_fix")

    versions = client.get(f"/admin/articles/article/{article.pk}/versions/").text
    assert ("Restore this version" in versions) == (role == "editor")
    restored = form_data(Article.objects.get(), headline="First", save_kind="silent_fix")
    response = client.post(change_url(article), restored)
    assert response.status_code == (302 if role == "editor" else 403)
    assert Revision.objects.filter(headline="First", number=4).exists() == (role == "editor")


def test_create_editor_makes_a_staff_account_in_the_editors_group(client, capsys):
    call_command("create_editor", "chief", password="a long enough password")
    call_command("create_editor", "cub", password="another long password", role="reporter")

    chief = get_user_model().objects.get(username="chief")
    assert chief.is_staff
    assert not chief.is_superuser
    assert list(chief.groups.values_list("name", flat=True)) == ["Editors"]
    assert chief.has_perm("articles.publish_article")
    cub = get_user_model().objects.get(username="cub")
    assert not cub.has_perm("articles.publish_article")
    assert "Editor login: chief / a long enough password" in capsys.readouterr().out

    call_command("create_editor", "chief")
    assert "already exists" in capsys.readouterr().out
    client.force_login(chief)
    assert client.get(CHANGELIST).status_code == 200
