from django.urls import path

from legalaid import views

app_name = "legalaid"
urlpatterns = [
    path("", views.index, name="index"),
    path("stations/", views.stations, name="stations"),
    path("book/", views.book, name="book"),
    path("mine/", views.my_bookings, name="my_bookings"),
    path("volunteer/", views.dashboard, name="dashboard"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/reschedule/", views.booking_reschedule, name="booking_reschedule"),
    path("bookings/<int:pk>/note/", views.case_note, name="case_note"),
    path("bookings/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("bookings/<int:pk>/consultation.ics", views.booking_calendar, name="booking_ics"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
