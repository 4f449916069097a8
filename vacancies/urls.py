from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "vacancies"
urlpatterns = [
    path("", views.vacancy_list, name="list"),
    path(
        pgettext_lazy("URL path of a vacancy", "vacancies/<str:reference>/"),
        views.vacancy_detail,
        name="detail",
    ),
]
