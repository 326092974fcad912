"""seed_demo adds two complaints in different states, one answered and one open consultation,
and running it twice adds nothing."""

from bargaining.consultations import selectors
from bargaining.consultations.models import Consultation
from legalaid.complaints.models import Complaint


def test_demo_content_and_idempotence(demo):
    from unionhome.core.demo import seed_all

    states = {c.status for c in Complaint.objects.all()}
    assert Complaint.objects.count() == 2 and states == {"submitted", "in_action"}
    statuses = sorted(selectors.status_of(c) for c in Consultation.objects.all())
    assert statuses == ["answered", "open"]
    answered = Consultation.objects.get(answered_at__isnull=False)
    assert [r.answer for r in answered.requests.all()] == ["accepted", "accepted", "partly"]
    seed_all()
    assert Complaint.objects.count() == 2 and Consultation.objects.count() == 2
