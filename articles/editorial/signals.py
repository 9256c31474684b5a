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

# Sent with `picture_ids`: pictures whose text changed or which were withdrawn; every page
# showing one of them is stale.
pictures_changed = Signal()
