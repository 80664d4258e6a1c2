import pytest

from core.errors import NotFound
from core.selectors import get_visible
from members.models import Member

pytestmark = pytest.mark.django_db


def test_get_visible_returns_the_object_in_the_scoped_queryset(korea):
    assert get_visible(Member.objects.all(), korea.pk) == korea


@pytest.mark.parametrize("pk", ["abc", "1;drop", "", "-1"])
def test_get_visible_key_that_is_not_a_number_is_not_found(korea, pk):
    with pytest.raises(NotFound) as caught:
        get_visible(Member.objects.all(), pk, "No such member here.")
    assert caught.value.message == "No such member here."


def test_get_visible_outside_the_scope_is_not_found_with_the_model_name(korea):
    with pytest.raises(NotFound) as caught:
        get_visible(Member.objects.exclude(pk=korea.pk), korea.pk)
    assert caught.value.message == "No such member."


def test_get_visible_by_another_field(korea):
    assert get_visible(Member.objects.all(), "KR", field="iso2") == korea
