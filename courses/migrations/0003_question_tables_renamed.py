from django.db import migrations


class Migration(migrations.Migration):
    """The moved tables take their new app's names: courses_question, courses_option."""

    dependencies = [
        ("courses", "0002_move_questions_from_quizzes"),
        ("quizzes", "0003_questions_move_to_courses"),
    ]

    operations = [
        migrations.AlterModelTable(name="question", table=None),
        migrations.AlterModelTable(name="option", table=None),
    ]
