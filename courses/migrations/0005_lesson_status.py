"""Lessons become draft or published. Every existing lesson is published (it is live
today), dated by its last change."""

from django.db import migrations, models
from django.db.models import F


def date_existing(apps, schema_editor):
    Lesson = apps.get_model("courses", "Lesson")
    Lesson.objects.filter(published_at__isnull=True).update(published_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [("courses", "0004_authored_field_caps")]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="published",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="lesson",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="lesson",
            name="minutes",
            field=models.JSONField(
                blank=True, default=dict, help_text="Minutes per mode, computed from the text on save."
            ),
        ),
        migrations.RunPython(date_existing, migrations.RunPython.noop),
    ]
