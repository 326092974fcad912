from django.urls import path

from bargaining import views

app_name = "bargaining"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/watch/", views.watch, name="watch"),
    path("<int:pk>/do/<str:action>/", views.command, name="command"),
    path("<int:pk>/items/<int:item_id>/", views.item_fragment, name="item"),
    path("<int:pk>/items/<int:item_id>/<str:action>/", views.command, name="item_command"),
]
