"""Who may do what to a story: the server-side half of the Reporters and Editors roles."""

from django.core.exceptions import PermissionDenied

from ..models import Article


def require(user, *permissions: str, message: str = "") -> None:
    missing = [name for name in permissions if not user.has_perm(f"articles.{name}")]
    if missing:
        raise PermissionDenied(message or f"{user} lacks {', '.join(missing)}.")


def can_edit(user, article: Article) -> bool:
    """Reporters edit drafts; only editors touch a story once it has been published."""
    if article.pk is None:
        return user.has_perm("articles.add_article")
    if not user.has_perm("articles.change_article"):
        return False
    return article.status == Article.Status.DRAFT or user.has_perm(
        "articles.edit_published_article"
    )
