"""Staff reach the company accounts and the consultations from the admin; members do not."""

from bargaining.consultations.models import CompanyAccount


def test_staff_see_company_accounts_and_the_link(client, ctx):
    client.force_login(ctx["union_admin"])
    page = client.get("/admin/").content.decode()
    assert "/rights/consultations/" in page
    listing = client.get("/admin/snippets/consultations/companyaccount/")
    assert listing.status_code == 200
    assert CompanyAccount.objects.get().company in listing.content.decode()


def test_members_have_no_admin(client, ctx):
    client.force_login(ctx["riders"][0])
    assert client.get("/admin/snippets/consultations/companyaccount/").status_code == 302
