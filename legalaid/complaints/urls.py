from django.urls import path

from legalaid.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.my_complaints, name="mine"),
    path("new/", views.complaint_new, name="new"),
    path("desk/", views.desk, name="desk"),
    path("patterns/", views.patterns, name="patterns"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", views.complaint_action, name="action"),
]
