from django.urls import path

from bargaining.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("publish/", views.publish, name="publish"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", views.consultation_action, name="action"),
]
