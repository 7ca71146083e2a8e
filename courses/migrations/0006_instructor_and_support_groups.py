"""The two staff roles, as groups with exactly the permissions their work needs.

Instructor: view, add, change and delete tracks, lessons, sections, their items, questions
and options — nothing about users or learners' data. Support: view learners, their
progress, review cards, test attempts (with their questions and responses) and challenge
runs (with their problems) to answer learners' questions — and change nothing.

Permissions are normally created after `migrate` finishes; they are created here first so
that a fresh database gets its groups in one run. Reversing removes the two groups only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("view", "add", "change", "delete")
INSTRUCTOR = {
    "courses": ["track", "lesson", "section", "sectionitem", "question", "option"],
}
SUPPORT = {
    "accounts": ["learner"],
    "progress": ["lessonprogress", "reviewcard"],
    "quizzes": [
        "testattempt", "attemptquestion", "response", "challengerun", "challengeproblem",
    ],
}  # fmt: skip


def _permissions(apps, models_by_app: dict, actions) -> list:
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (app, f"{action}_{model}")
        for app, models in models_by_app.items()
        for model in models
        for action in actions
    ]
    found = []
    for app, codename in wanted:
        found.append(Permission.objects.get(content_type__app_label=app, codename=codename))
    return found


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # historical app configs: let it see their models
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    instructor, _ = Group.objects.get_or_create(name="Instructor")
    instructor.permissions.set(_permissions(apps, INSTRUCTOR, ACTIONS))
    support, _ = Group.objects.get_or_create(name="Support")
    support.permissions.set(_permissions(apps, SUPPORT, ("view",)))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Instructor", "Support"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_lesson_status"),
        ("accounts", "0001_initial"),
        ("progress", "0002_review_cards_follow_questions_to_courses"),
        ("quizzes", "0003_questions_move_to_courses"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
