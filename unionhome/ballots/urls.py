from django.urls import path

from unionhome.ballots import views

app_name = "ballots"

urlpatterns = [
    path("", views.my_ballots, name="my_ballots"),
    path("<int:pk>/", views.ballot_detail, name="detail"),
    path("<int:pk>/confirm/", views.ballot_confirm, name="confirm"),
    path("<int:pk>/cast/", views.ballot_cast, name="cast"),
    path("<int:pk>/receipt/", views.ballot_receipt, name="receipt"),
    path("<int:pk>/results/", views.ballot_results, name="results"),
    path("<int:pk>/receipts/", views.ballot_receipts, name="receipts"),
    path("<int:pk>/notice.docx", views.ballot_notice, name="notice"),
    path("<int:pk>/code/", views.ballot_vote_with_code, name="vote_with_code"),
]
