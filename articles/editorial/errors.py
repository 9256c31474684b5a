"""What an editorial action raises instead of writing (besides Django's PermissionDenied)."""


class StaleArticleError(Exception):
    """The story changed after the caller loaded it; nothing was written."""

    def __init__(self, article_id: int, expected_version: int):
        self.article_id = article_id
        self.expected_version = expected_version
        super().__init__(
            f"Story {article_id} is no longer at version {expected_version}: "
            "someone else saved it meanwhile."
        )


class WorkflowError(Exception):
    """The change is not allowed for the story in its state, or its input is incomplete.

    `field` names the input at fault (the admin shows the message next to it).
    """

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)


class MergeConflict(StaleArticleError):
    """A save from an out-of-date form changed what the other side changed too.

    `merge` (a `merge.MergeResult`) holds the conflicts; nothing is saved until each has a
    decision. `current_version` is the version the merge was made against.
    """

    def __init__(self, article_id: int, expected_version: int, current_version: int, merge):
        super().__init__(article_id, expected_version)
        self.current_version = current_version
        self.merge = merge
