"""Store the rendered body of every story: the plain paragraphs every story had until now
(their text was written without markup); later writes render the markup."""

from django.db import migrations

from articles.desk.markup import plain_html

BATCH = 2000


def render_bodies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.order_by("pk").only("pk", "body")
    batch = []
    for story in stories.iterator(chunk_size=BATCH):
        story.body_html = plain_html(story.body)
        batch.append(story)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["body_html"])
            batch = []
    Article.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_urgency_slugline_desk_and_notices")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop)]
