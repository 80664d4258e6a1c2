"""English and Korean: the Korean catalogue is complete and current, the switcher remembers
the choice, and pages speak the chosen language (data stays as entered)."""

import re
import shutil
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from meetings.choices import InvitationStatus
from tests.factories import InvitationFactory, MeetingFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(
    r"((?:#[^\n]*\n)*)msgid ((?:\"[^\n]*\"\n)+)(?:msgid_plural (?:\"[^\n]*\"\n)+)?((?:msgstr(?:\[\d\])? (?:\"[^\n]*\"\n)+)+)"
)


def _problems(po: Path) -> list[str]:
    """Entries that are fuzzy or have an empty translation (the header excepted)."""
    found = []
    for comments, msgid, msgstrs in ENTRY.findall(po.read_text(encoding="utf-8")):
        if msgid.strip() == '""':
            continue
        if "fuzzy" in comments:
            found.append(f"fuzzy: {msgid.strip()}")
        if any(block.strip().endswith(' ""') for block in re.split(r"(?=msgstr)", msgstrs) if block):
            found.append(f"untranslated: {msgid.strip()}")
    return found


def test_korean_catalogue_has_no_untranslated_or_fuzzy_message():
    assert _problems(CATALOGUE) == []


def test_korean_catalogue_covers_every_message_in_the_code(tmp_path, monkeypatch):
    """makemessages over a copy of the code and its catalogue: nothing new may appear.

    makemessages writes to the `locale` folder beside the files it reads, so it runs in a
    copy of the source tree: the catalogue in the repository is never rewritten by a test."""
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "var", "tests", "bench", "examples", "static", "staticfiles", "__pycache__", "*.mo"
        ),
    )
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=["ko"], no_location=True, no_obsolete=True, verbosity=0)
    copy = source / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    assert _problems(copy) == []


@pytest.mark.django_db
def test_language_switcher_remembers_korean(korea, korea_client):
    response = korea_client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ko"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600
    page = korea_client.get("/").content.decode()
    assert '<html lang="ko">' in page
    assert "Republic of Korea: 할 일" in page and "답변을 기다리는 초청" in page


@pytest.mark.django_db
def test_invitation_page_speaks_korean_and_keeps_titles_as_entered(korea, korea_client):
    invitation = InvitationFactory(
        member=korea, meeting=MeetingFactory(title="SOM 5 (Seoul)"), status=InvitationStatus.PENDING
    )
    korea_client.cookies["django_language"] = "ko"
    page = korea_client.get(f"/meetings/invitations/{invitation.pk}/").content.decode()
    assert "Republic of Korea: SOM 5 (Seoul) 초청" in page
    assert "답변 보내기" in page and "등록된 대표" in page


@pytest.mark.django_db
def test_english_stays_the_default(korea, korea_client):
    page = korea_client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="en-gb">' in page and "Invitations awaiting your answer" in page


TRANSLATED_CALL = re.compile(r"(?<![\w.])(?:_|gettext|pgettext|ngettext)(?:_lazy)?\(")


def _f_strings_with_translated_text(path: Path) -> list[str]:
    """f-string literals of `path` that call gettext inside their braces (Python 3.11 reads an
    f-string as one STRING token)."""
    with path.open("rb") as handle:
        tokens = list(tokenize.tokenize(handle.readline))
    found = []
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        prefix = token.string[: token.string.find(token.string.lstrip("rRbBuUfF")[0])]
        if "f" in prefix.lower() and TRANSLATED_CALL.search(token.string):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{token.start[0]}")
    return found


def test_no_translated_text_hides_inside_an_f_string():
    """makemessages (xgettext) does not look inside f-strings: text translated there never reaches
    the catalogue, so it stays English in Korean without the catalogue test noticing."""
    skipped = {".venv", "tests", "var", "node_modules", "migrations"}
    found = []
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        if skipped.isdisjoint(path.relative_to(settings.BASE_DIR).parts):
            found += _f_strings_with_translated_text(path)
    assert found == []
