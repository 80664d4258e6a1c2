"""Form errors: summarised at the top with links to the fields, each tied to its field."""

import pytest

pytestmark = pytest.mark.django_db


def test_form_errors_are_summarised_and_tied_to_their_fields(secretariat_client):
    page = secretariat_client.post("/members/chair/new/", {}).content.decode()
    assert 'class="form-errors" role="alert"' in page
    assert '<a href="#id_member">' in page
    assert (
        'aria-describedby="id_member-error-1"' in page
        or 'aria-describedby="id_member-help id_member-error-1"' in page
    )
    assert 'id="id_member-error-1"' in page
    assert 'aria-invalid="true"' in page
