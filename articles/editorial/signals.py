"""What the editorial layer tells the rest of the site after it writes.

The services write with optimistic `UPDATE`s and the importer with COPY, neither of which
Django's model signals see, so they announce their changes here. The public site's caches
listen (`articles.site.invalidation`); the editorial layer never imports the site.
"""

from django.dispatch import Signal

# Sent with `article_ids`: the stories whose public text, state or placement may have changed;
# and, from the importer, `joined_lists`: the lists (surrogate keys) that the stories it created,
# already filed under them, joined.
articles_changed = Signal()

# Sent with `action`: an editorial action (`actions.py`) that has just written, inside its
# transaction. The desk tells the people on the story (`articles.desk.announce`).
action_done = Signal()
