"""PDFs of a meeting: the list of participants by delegation, and the agenda."""

import io

import pytest
from pypdf import PdfReader

from meetings.choices import InvitationStatus, RegistrationStatus
from meetings.models import AgendaItem, Registration
from members.choices import Capacity
from tests.factories import DelegateFactory, InvitationFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _register(meeting, member, people):
    invitation = InvitationFactory(
        meeting=meeting, member=member, status=InvitationStatus.ACCEPTED, seats_quota=5
    )
    for name, capacity in people:
        delegate = DelegateFactory(member=member, full_name=name, title=f"Title of {name}", capacity=capacity)
        Registration.objects.create(invitation=invitation, delegate=delegate, capacity=capacity)


def test_participants_pdf_lists_delegations_in_order_with_functions(secretariat_client):
    meeting = MeetingFactory(title="SOM 9")
    _register(
        meeting,
        MemberFactory(iso2="JP", name="Japan"),
        [("Sato Aoi", Capacity.ADVISER), ("Ito Ren", Capacity.HEAD)],
    )
    _register(meeting, MemberFactory(iso2="AU", name="Australia"), [("Ann Lee", Capacity.DELEGATE)])
    _register(meeting, MemberFactory(iso2="KR", name="Republic of Korea"), [("Kim Ha", Capacity.HEAD)])
    gone = Registration.objects.get(delegate__full_name="Ann Lee")
    _register(meeting, MemberFactory(iso2="DE", name="Germany"), [("Former Person", Capacity.DELEGATE)])
    Registration.objects.filter(delegate__full_name="Former Person").update(
        status=RegistrationStatus.WITHDRAWN
    )

    response = secretariat_client.get(f"/meetings/{meeting.pk}/participants.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    order = [text.index(name) for name in ("Australia", "Japan", "Republic of Korea")]
    assert order == sorted(order)
    assert text.index("Ito Ren") < text.index("Sato Aoi")  # head of delegation first
    assert "Head of delegation" in text and "Title of Ito Ren" in text
    assert "3 delegations, 4 participants" in text
    assert "Former Person" not in text and gone.delegate.full_name in text


def test_participants_pdf_is_not_found_for_a_delegation(korea, korea_client):
    meeting = MeetingFactory()
    assert korea_client.get(f"/meetings/{meeting.pk}/participants.pdf").status_code == 404


def test_agenda_pdf_lists_items_in_order_for_a_delegation(korea, korea_client):
    meeting = MeetingFactory(title="SOM 10")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Pricing mechanisms", duration_minutes=45)
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="Adoption of the agenda", duration_minutes=10
    )
    response = korea_client.get(f"/meetings/{meeting.pk}/agenda.pdf")
    text = _text(response.content)
    assert text.index("Adoption of the agenda") < text.index("Pricing mechanisms")
    assert "SOM 10" in text
