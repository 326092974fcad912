from django.urls import path

from bargaining.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.member_contracts, name="mine"),
    path("cases/<int:case_id>/", views.contract_page, name="case"),
    path("cases/<int:case_id>/contract.docx", views.contract_docx, name="docx"),
    path("cases/<int:case_id>/minutes.docx", views.minutes_docx, name="minutes"),
    path("cases/<int:case_id>/filing.zip", views.filing_zip, name="filing"),
    path("cases/<int:case_id>/<slug:action>/", views.contract_action, name="action"),
]
