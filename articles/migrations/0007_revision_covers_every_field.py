"""Versions cover everything readers see: a revision keeps slug, byline, dateline and tags too.

Revisions saved before this migration recorded headline, deck and body only; they take the
story's slug, byline, dateline and tags as they are now (the best record there is), so a diff
or a merge against an old version never reads a missing field as a change.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_from_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    stories = Article.objects.filter(revisions__isnull=False).distinct().prefetch_related("tags")
    for article in stories.iterator(chunk_size=500):
        Revision.objects.filter(article=article).update(
            slug=article.slug,
            byline=article.byline,
            dateline_id=article.dateline_id,
            tags="\n".join(sorted(tag.name for tag in article.tags.all())),
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_drop_unused_status_index")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="slug",
            field=models.SlugField(
                allow_unicode=True, db_index=False, default="", max_length=255
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="revision",
            name="byline",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="revision",
            name="dateline",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="articles.dateline",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="tags",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="revision",
            name="kind",
            field=models.CharField(
                choices=[
                    ("draft", "Draft save"),
                    ("publication", "First publication"),
                    ("silent_fix", "Silent fix"),
                    ("update", "Update"),
                    ("correction", "Correction"),
                    ("import", "Legacy import"),
                    ("republished", "Republished after withdrawal"),
                ],
                max_length=12,
            ),
        ),
        migrations.RunPython(fill_from_stories, migrations.RunPython.noop),
    ]
