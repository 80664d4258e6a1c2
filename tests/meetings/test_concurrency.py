import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from meetings import services
from meetings.models import Registration
from tests.factories import DelegateFactory


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_the_last_seat_cannot_both_win(invited, korea, system_actor):
    invitation = services.invitation_answer(actor=system_actor, invitation=invited["KR"], status="accepted")
    invitation = services.invitation_update(actor=system_actor, invitation=invitation, seats_quota=1)
    people = [DelegateFactory(member=korea) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def register(delegate):
        try:
            barrier.wait()
            services.registration_add(actor=system_actor, invitation=invitation, delegate=delegate)
            outcomes.append("registered")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "registered"]
    assert Registration.objects.filter(invitation=invitation, status="active").count() == 1
