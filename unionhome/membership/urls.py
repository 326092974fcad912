"""Member-facing pages of the union core (join, membership card, transfer, privacy, posters)."""

from django.urls import path

from unionhome.membership import views

app_name = "unionhome"
urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("join/<str:token>/transfer/", views.join_transfer, name="join_transfer"),
    path("membership/", views.my_membership, name="my_membership"),
    path("membership/export/", views.membership_export, name="membership_export"),
    path("membership/delete/", views.membership_delete, name="membership_delete"),
    path("membership/transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("membership/verify/<str:token>/", views.verify_card, name="verify_card"),
    path("privacy/", views.privacy, name="privacy"),
    path("unions/<int:pk>/", views.union_detail, name="union_detail"),
    path("unions/<int:pk>/poster/", views.union_poster, name="union_poster"),
    path("unions/<int:pk>/poster/<int:code_id>/", views.union_poster, name="union_poster_code"),
]
