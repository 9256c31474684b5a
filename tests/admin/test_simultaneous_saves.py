"""Twenty editors save one story at the same moment: real HTTP to gunicorn with three workers,
CSRF and sessions, two accounts. Every save either goes through or comes back as the merge
screen holding the editor's own text; none answers a server error."""

import html
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from articles.editorial import actions
from articles.models import Article
from tests.site.servers import Gunicorn, port

pytestmark = pytest.mark.django_db(transaction=True)

EDITORS = 20
ROUNDS = 3
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(django_db_setup):
    server = Gunicorn(port(40), workers=3, SECURE_COOKIES="false")  # plain HTTP here
    yield server
    server.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A save's answer as sent: its redirect is the sign that it was saved."""

    def redirect_request(self, *args, **kwargs):
        return None


class Editor:
    """One editor's browser: a session of its own, and the change form as it loaded it."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects
        )
        login = self.get("/admin/login/")
        self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token(login)},
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def loaded_form(page: str, article: Article) -> dict:
    """What the change form posts as loaded (the story's fields, its version, the token)."""
    version = re.search(r'name="loaded_version" value="(\d+)"', page)[1]
    return {
        "csrfmiddlewaretoken": token(page),
        "headline": article.headline,
        "slug": article.slug,
        "deck": article.deck,
        "byline": article.byline,
        "body": article.body,
        "dateline": "",
        "loaded_version": version,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "_save": "Save draft",
    }


def test_simultaneous_saves_serialise_and_lose_nothing(site):
    accounts = []
    for username in ("first-editor", "second-editor"):
        user = services_user(username)
        accounts.append(user.username)
    article = Article(headline="Storm nears the coast", body="The storm is 200 km away.")
    actions.save_article(article, by=services_user("first-editor"))
    change = f"/admin/articles/article/{article.pk}/change/"
    editors = [Editor(site.url, accounts[n % 2]) for n in range(EDITORS)]

    outcomes = []
    for round_number in range(ROUNDS):
        article.refresh_from_db()
        forms = [loaded_form(editor.get(change), article) for editor in editors]
        # Each adds a paragraph of their own: merges without a conflict, so every save that
        # is not first could go through, and all of them race for the same version.
        texts = [f"Round {round_number}: editor {n} says the storm turned." for n in range(EDITORS)]
        posts = [
            {**form, "body": f"{form['body']}\n\n{text}"}
            for form, text in zip(forms, texts, strict=True)
        ]
        answers = all_at_once(editors, change, posts)

        for n, (status, page) in enumerate(answers):
            assert status < 500, page[:2000]
            if status == 302:
                outcomes.append("saved")
                continue
            assert status == 200
            assert "Someone else saved this story" in page
            assert texts[n] in html.unescape(page)  # their text is still in the form
            outcomes.append("merge screen")

    stored = Article.objects.get(pk=article.pk)
    saved = outcomes.count("saved")
    assert saved >= ROUNDS
    assert stored.version == 1 + saved
    assert stored.revisions.count() == stored.version
    print(f"{len(outcomes)} saves: {saved} saved, {outcomes.count('merge screen')} merge screens")


def all_at_once(editors: list[Editor], path: str, posts: list[dict]) -> list[tuple[int, str]]:
    """Each editor's post, sent at the same moment from a thread of its own."""
    start = threading.Barrier(len(editors))
    answers: list = [None] * len(editors)

    def save(n: int) -> None:
        start.wait()
        answers[n] = editors[n].post(path, posts[n])

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(editors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def services_user(username: str):
    from django.contrib.auth import get_user_model

    from tests.helpers import member_of

    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = member_of("Editors", username)
    user.set_password(PASSWORD)
    user.save()
    return user
