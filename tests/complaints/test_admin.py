"""The admin menu links union staff to the desk and federation staff to the patterns only."""


def test_admin_menu_per_role(client, ctx):
    client.force_login(ctx["union_admin"])
    page = client.get("/admin/").content.decode()
    assert "/rights/complaints/desk/" in page and "/rights/complaints/patterns/" in page
    client.force_login(ctx["admin"])
    page = client.get("/admin/").content.decode()
    assert "/rights/complaints/desk/" not in page and "/rights/complaints/patterns/" in page
