from collections import defaultdict

import articles.models
from django.db import migrations, models
from django.db.models import Count


def one_spelling_per_country(apps, schema_editor):
    """Give every country the one spelling most of its stories already show.

    Before this rule a place could be added as "Kochi, india" when "India" existed: readers saw
    both. Places differ by country case only, so the database's rule (one row per place,
    ignoring case) holds as each is respelled; ties go to the spelling typed first.
    """
    Dateline = apps.get_model("articles", "Dateline")
    spellings = defaultdict(lambda: defaultdict(lambda: [0, None]))
    rows = Dateline.objects.annotate(stories=Count("articles")).order_by("pk")
    for pk, country, stories in rows.values_list("pk", "country", "stories").iterator():
        tally = spellings[" ".join(country.split()).casefold()][country]
        tally[0] += stories
        tally[1] = tally[1] or pk
    for by_spelling in spellings.values():
        if len(by_spelling) < 2:
            continue
        kept = max(by_spelling, key=lambda spelling: (by_spelling[spelling][0], -by_spelling[spelling][1]))
        others = [spelling for spelling in by_spelling if spelling != kept]
        Dateline.objects.filter(country__in=others).update(country=kept)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_withdrawal_shows_headline'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dateline',
            name='country',
            field=models.CharField(help_text='A country has one spelling: typed in another case (“india” when “India” exists), a new place takes the spelling the country already has.', max_length=100, validators=[articles.models.refuse_control_characters]),
        ),
        migrations.RunPython(one_spelling_per_country, migrations.RunPython.noop),
    ]
