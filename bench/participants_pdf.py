"""Time to produce the list of participants PDF for 56 delegations (3 people each).

    .venv/bin/python bench/participants_pdf.py [--delegations 56] [--people 3] [--runs 3]

Needs no database: the registrations are built in memory and go through the same grouping,
template and renderer as the page (meetings.printing.participants_pdf). Prints the median time
of the PDF, the page count, and the ratio against a baseline measured in the same process:
rendering the same template to HTML only (what WeasyPrint's layout adds on top).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    var = tempfile.mkdtemp(prefix="forge-bench-pdf-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="forge.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"sqlite:///{var}/unused.sqlite3",
        REDIS_URL="",
        CELERY_BROKER_URL="filesystem://",
        FORGE_VAR_DIR=var,
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def _rows(delegations: int, people: int):
    from meetings.models import Invitation, Meeting, Registration
    from members.choices import Capacity
    from members.models import Delegate, Member

    meeting = Meeting(
        pk=1,
        title="FORGE Ministerial (bench)",
        starts_at=datetime.datetime(2027, 6, 1, 7, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 6, 1, 15, 0, tzinfo=datetime.UTC),
        venue_name="Seoul",
        venue_time_zone="Asia/Seoul",
    )
    capacities = [Capacity.HEAD, Capacity.DELEGATE, Capacity.ADVISER, Capacity.ALTERNATE]
    rows = []
    for i in range(delegations):
        member = Member(pk=i + 1, iso2=f"{chr(65 + i // 26)}{chr(65 + i % 26)}", name=f"Member state {i:02d}")
        invitation = Invitation(pk=i + 1, meeting=meeting, member=member)
        for j in range(people):
            delegate = Delegate(
                member=member, full_name=f"Delegate {i:02d}-{j}", title="Director, Ministry of Economy"
            )
            rows.append(Registration(invitation=invitation, delegate=delegate, capacity=capacities[j % 4]))
    return meeting, rows


def _median(runs: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=56)
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _setup()
    import io

    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from meetings import printing

    meeting, rows = _rows(args.delegations, args.people)
    printing.participants_pdf(meeting=meeting, rows=rows)  # warm-up: fonts and Pango load once

    def html_only():
        groups = printing.delegations(rows)
        context = {
            "meeting": meeting,
            "day": meeting.starts_at.date(),
            "delegations": groups,
            "people": len(rows),
        }
        return render_to_string("meetings/pdf/participants.html", context)

    html_time, _ = _median(args.runs, html_only)
    pdf_time, pdf = _median(args.runs, lambda: printing.participants_pdf(meeting=meeting, rows=rows))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"participants PDF, {args.delegations} delegations x {args.people} people ({len(rows)} rows)")
    print(
        f"  PDF (WeasyPrint):      {pdf_time * 1000:8.1f} ms median of {args.runs}, {pages} pages, {len(pdf):,} bytes"
    )
    print(f"  baseline (HTML only):  {html_time * 1000:8.1f} ms")
    print(f"  ratio PDF / HTML:      {pdf_time / html_time:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
