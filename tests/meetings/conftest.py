"""Fixtures for the meetings tests: a meeting made through the service, files, private media."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings import services
from meetings.choices import MeetingKind, MeetingStatus
from tests.factories import ChairTermFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def korea_chair(korea):
    return ChairTermFactory(
        member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2027, 6, 30)
    )


@pytest.fixture
def som(system_actor, korea_chair):
    """An announced senior officials' meeting in Seoul, 10 March 2027, 09:00-17:00 local."""
    return services.meeting_schedule(
        actor=system_actor,
        status=MeetingStatus.ANNOUNCED,
        kind=MeetingKind.SOM,
        title="SOM 1",
        venue_name="Seoul",
        venue_time_zone="Asia/Seoul",
        starts_at=datetime.datetime(2027, 3, 10, 0, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 3, 10, 8, 0, tzinfo=datetime.UTC),
    )


@pytest.fixture
def invited(system_actor, som, korea, japan):
    """Korea and Japan invited to the SOM; returns {iso2: invitation}."""
    services.invitations_send(actor=system_actor, meeting=som, members=[korea, japan])
    return {inv.member.iso2: inv for inv in som.invitations.select_related("member")}


def pdf(name="letter.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def text_file(name="notes.txt", content=b"Some notes\n", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)
