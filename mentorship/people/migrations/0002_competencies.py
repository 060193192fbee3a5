from django.db import migrations

from mentorship.people.competencies import COMPETENCIES, competencies_install


def add_competencies(apps, schema_editor):
    competencies_install(apps.get_model("people", "Competency"))


def remove_competencies(apps, schema_editor):
    Competency = apps.get_model("people", "Competency")
    Competency.objects.filter(slug__in=[slug for slug, _, _ in COMPETENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_competencies, remove_competencies)]
