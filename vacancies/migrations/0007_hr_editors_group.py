from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "HR editors"
# Vacancies and duty stations, and nothing else: no deletion (editors archive), no users,
# groups or permissions.
PERMISSIONS = [
    "view_vacancy",
    "add_vacancy",
    "change_vacancy",
    "view_location",
    "add_location",
    "change_location",
]


def create_hr_editors_group(apps, schema_editor):
    # Permissions are normally created after the last migration; this one needs them now.
    vacancies = apps.get_app_config("vacancies")
    vacancies.models_module = True
    create_permissions(vacancies, apps=apps, verbosity=0)
    vacancies.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="vacancies", codename__in=PERMISSIONS)
    )


def remove_hr_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("vacancies", "0006_vacancy_history"),
    ]

    operations = [migrations.RunPython(create_hr_editors_group, remove_hr_editors_group)]
