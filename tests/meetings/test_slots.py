import datetime

from meetings.slots import Delegation, burden_from, outside_hours, rank_slots

UTC = datetime.UTC
SEOUL = Delegation("KR", "Asia/Seoul")
BRUSSELS = Delegation("BE", "Europe/Brussels")
WASHINGTON = Delegation("US", "America/New_York")
CAPITALS = [SEOUL, BRUSSELS, WASHINGTON]
HOUR = datetime.timedelta(hours=1)


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _half_hours(day: int, first: tuple[int, int], last: tuple[int, int]) -> list[datetime.datetime]:
    start, end = _at(day, *first), _at(day, *last)
    return [
        start + datetime.timedelta(minutes=30 * n)
        for n in range(int((end - start) / datetime.timedelta(minutes=30)) + 1)
    ]


def test_rank_slots_three_capitals_exact_order():
    # 10 March 2026: Washington is on summer time (since 8 March, UTC-4), Brussels not yet
    # (UTC+1), Seoul never (UTC+9). No hour suits all three; every best slot leaves one out.
    ranked = rank_slots(
        date_from=datetime.date(2026, 3, 10),
        date_to=datetime.date(2026, 3, 10),
        duration=HOUR,
        delegations=CAPITALS,
        burden={"KR": 0, "BE": 2, "US": 1},
    )
    assert len(ranked) == 47  # 00:00 .. 23:00 UTC, every half hour
    best = ranked[:21]
    assert [slot.starts_at for slot in best] == (
        _half_hours(10, (12, 0), (18, 0))  # Seoul late evening: Seoul bore least so far
        + _half_hours(10, (7, 0), (10, 0))  # Washington before 08:00
        + [_at(10, 23)]  # Brussels at midnight
    )
    assert {slot.inconvenienced for slot in best[:13]} == {("KR",)}
    assert {slot.inconvenienced for slot in best[13:20]} == {("US",)}
    assert best[20].inconvenienced == ("BE",)
    assert [(slot.score, slot.burden) for slot in (best[0], best[13], best[20])] == [(1, 0), (1, 1), (1, 2)]
    assert ranked[21].score == 2


def test_rank_slots_without_burden_breaks_ties_by_time():
    ranked = rank_slots(
        date_from=datetime.date(2026, 3, 10),
        date_to=datetime.date(2026, 3, 10),
        duration=HOUR,
        delegations=CAPITALS,
    )
    assert [slot.starts_at for slot in ranked[:3]] == [_at(10, 7), _at(10, 7, 30), _at(10, 8)]


def test_slot_local_times_for_each_capital():
    slot = next(
        slot
        for slot in rank_slots(
            date_from=datetime.date(2026, 3, 10),
            date_to=datetime.date(2026, 3, 10),
            duration=HOUR,
            delegations=CAPITALS,
        )
        if slot.starts_at == _at(10, 12)
    )
    assert [
        (t.code, t.starts.strftime("%H:%M"), t.ends.strftime("%H:%M"), t.outside_hours)
        for t in slot.local_times
    ] == [
        ("KR", "21:00", "22:00", True),
        ("BE", "13:00", "14:00", False),
        ("US", "08:00", "09:00", False),
    ]


def test_outside_hours_follows_daylight_saving():
    # 12:00 UTC is 07:00 in Washington before 8 March 2026 and 08:00 after.
    assert outside_hours(_at(5, 12), _at(5, 13), "America/New_York") is True
    assert outside_hours(_at(10, 12), _at(10, 13), "America/New_York") is False
    # Brussels moves on 29 March: 18:00-18:30 UTC ends at 19:30 CET (fine) before, 20:30 CEST (late) after.
    assert outside_hours(_at(27, 18), _at(27, 18, 30), "Europe/Brussels") is False
    assert (
        outside_hours(
            datetime.datetime(2026, 3, 30, 18, tzinfo=UTC),
            datetime.datetime(2026, 3, 30, 18, 30, tzinfo=UTC),
            "Europe/Brussels",
        )
        is True
    )


def test_outside_hours_across_midnight():
    assert outside_hours(_at(10, 22, 30), _at(10, 23, 30), "UTC") is True
    assert outside_hours(_at(10, 19), _at(10, 20), "UTC") is False


def test_burden_from_counts_out_of_hours_meetings():
    history = [
        (_at(3, 12), _at(3, 13), CAPITALS),  # KR 21:00, US 07:00 (winter time): both out
        (_at(10, 8), _at(10, 9), CAPITALS),  # US 04:00: out
        (_at(10, 13), _at(10, 14), [BRUSSELS]),
    ]
    assert burden_from(history) == {"KR": 1, "BE": 0, "US": 2}
