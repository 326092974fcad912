from django.urls import path

from unionhome.care import activity_views, views

app_name = "care"
urlpatterns = [
    path("hardship/", views.hardship, name="hardship"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("staff/", views.staff_files, name="staff_files"),
    path("staff/files/<int:pk>/", views.staff_file, name="staff_file"),
    path("campaigns/", views.campaigns_index, name="campaigns"),
    path(
        "staff/campaigns/<int:campaign_id>/stations/<int:station_id>/",
        views.station_desk,
        name="station_desk",
    ),
    path(
        "staff/campaigns/<int:campaign_id>/stations/<int:station_id>/stock/",
        views.station_stock,
        name="station_stock",
    ),
    path(
        "staff/campaigns/<int:campaign_id>/stations/<int:station_id>/code/",
        views.station_code,
        name="station_code",
    ),
    path("claim/<str:token>/", views.member_claim, name="member_claim"),
    path("activities/", activity_views.activities, name="activities"),
    path("activities/<int:pk>/register/", activity_views.register, name="activity_register"),
    path("registrations/<int:pk>/cancel/", activity_views.cancel, name="registration_cancel"),
    path("check-in/<str:token>/", activity_views.check_in, name="check_in"),
    path("staff/activities/<int:pk>/", activity_views.staff_activity, name="staff_activity"),
]
