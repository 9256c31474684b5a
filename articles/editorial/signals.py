"""What the write path tells the rest of the project after it finishes a write.

Sent once per finished write by `finishing.py`, inside the writer's transaction, after the
change is recorded: `article_ids` are the stories whose text, state or placement changed;
`joined_lists` the lists (surrogate keys) that stories created already filed under them (the
importer's) joined. Pages need not listen: the change record reaches them.
"""

from django.dispatch import Signal

articles_changed = Signal()
