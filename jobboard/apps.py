from django.contrib.admin.apps import AdminConfig


class HRDeskAdminConfig(AdminConfig):
    """Django's admin, its site being the HR desk (jobboard/admin_site.py)."""

    default_site = "jobboard.admin_site.HRDesk"
