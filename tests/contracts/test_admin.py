"""The Wagtail admin: contracts and versions scoped to the unions a staff member runs;
wording templates editable by staff."""

from django.core.management import call_command

from bargaining.contracts import services
from bargaining.contracts.models import ContractVersion, WordingTemplate
from tests.contracts.conftest import make_case
from unionhome.membership.models import Union, UnionStaff


def seed():
    from bargaining.contracts.models import StandardClause
    from bargaining.contracts.wording import seed_default_wording

    return seed_default_wording(WordingTemplate, StandardClause)


def test_default_wording_is_seeded_for_both_languages(db):
    from bargaining.contracts.models import StandardClause

    # The data migration seeds them; a flushed test database may have lost them.
    WordingTemplate.objects.all().delete()
    StandardClause.objects.all().delete()
    assert seed() > 0
    assert seed() == 0
    languages = set(WordingTemplate.objects.values_list("language", flat=True))
    assert languages == {"zh-hans", "en"}
    assert WordingTemplate.objects.filter(topic="", value_kind="").count() == 2
    assert StandardClause.objects.filter(chapter="supplementary").count() == 4


def test_union_staff_see_their_contracts_only(client, core):
    case = make_case(core)
    services.contract_draft(case=case, by=core["union_admin"])
    version = ContractVersion.objects.filter(contract__case=case).first()
    client.force_login(core["union_admin"])
    response = client.get("/admin/contracts/")
    assert response.status_code == 200
    assert case.title in response.content.decode()
    download = client.get(f"/admin/contracts/versions/{version.pk}/download/")
    assert download.status_code == 200 and download.content[:2] == b"PK"

    # Staff of another union: neither the listing nor the file.
    other_union = Union.objects.create(name="其他工会", kind="enterprise")
    other = core["volunteers"][0]
    other.is_staff = True
    other.save()
    UnionStaff.objects.create(union=other_union, user=other)
    other.groups.add(core["groups"]["Union staff"])
    client.force_login(other)
    assert case.title not in client.get("/admin/contracts/").content.decode()
    assert client.get(f"/admin/contracts/versions/{version.pk}/download/").status_code == 404


def test_staff_edit_wording_templates_in_the_admin(client, core):
    seed()
    template = WordingTemplate.objects.get(language="zh-hans", topic="pay", value_kind="")
    client.force_login(core["union_admin"])
    listing = client.get("/admin/snippets/contracts/wordingtemplate/")
    assert listing.status_code == 200
    edit = client.get(f"/admin/snippets/contracts/wordingtemplate/edit/{template.pk}/")
    assert edit.status_code == 200
    # A rider has no admin access at all.
    client.force_login(core["riders"][0])
    assert client.get("/admin/snippets/contracts/wordingtemplate/").status_code == 302


def test_edited_template_changes_the_next_draft(core):
    from docx import Document

    seed()
    WordingTemplate.objects.filter(language="zh-hans", topic="pay", value_kind="").update(
        text="平台支付{title}每单不少于{value}{unit}。"
    )
    case = make_case(core)
    version = services.contract_draft(case=case, by=core["union_side"][0])
    body = "\n".join(p.text for p in Document(version.file.open("rb")).paragraphs)
    assert "平台支付每单基础配送费每单不少于6.50元/单。" in body


def test_tick_command(core, capsys):
    call_command("contracts_tick")
    assert "advanced=0" in capsys.readouterr().out
