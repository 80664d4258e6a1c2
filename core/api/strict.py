"""JSON bodies are held to the types the OpenAPI document gives them.

DRF's fields coerce what they are given: `"title": 123` becomes "123", `"meeting": "5"` and
`5.0` become 5, `"all_members": "yes"` becomes True, `{"KR": 1}` is read as the list ["KR"],
and a string is trimmed before its length is checked. The document (drf-spectacular) says
string, integer, boolean, array, maxLength, so a partner's client may rely on the API refusing
anything else. Every write path (core.api.views, core.api.writes) runs `check_json_types`
on a JSON body before the serializer validates it: a value of the wrong JSON type is a 400
naming the field, like any other validation failure.

Form and multipart bodies carry only strings (and files): they are left to the fields, but for
one thing. DRF reads a blank form value of an optional text field as "not given" (HTML form
semantics), so `currency=` kept the product's currency where JSON's `"currency": ""` is refused.
The document gives one schema for every media type: a blank that the field refuses is refused
in a form too, with the field's own message.
"""

from __future__ import annotations

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.fields import empty

_STRING_FIELDS = (
    serializers.CharField,
    serializers.DateTimeField,
    serializers.DateField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
    serializers.SlugRelatedField,
    serializers.HyperlinkedRelatedField,
)
_NUMBER_FIELDS = (serializers.FloatField,)


def check_json_types(serializer: serializers.BaseSerializer, data) -> None:
    """Raise a ValidationError naming every field of `data` whose JSON type the document refuses
    (or, in a form, every optional text field given blank that may not be blank)."""
    if isinstance(data, QueryDict):
        errors = _blank_form_errors(serializer, data)
    elif isinstance(data, dict):
        errors = _object_errors(serializer, data)
    else:
        return  # not an object at all: the serializer says so itself
    if errors:
        raise serializers.ValidationError(errors)


def _blank_form_errors(serializer, data: QueryDict) -> dict:
    return {
        name: [field.error_messages["blank"]]
        for name, field in getattr(serializer, "fields", {}).items()
        if isinstance(field, serializers.CharField)
        and not (field.read_only or field.required or field.allow_blank)
        and data.get(name) == ""
    }


def _object_errors(serializer, data: dict) -> dict:
    errors = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        problem = _value_errors(field, data[name])
        if problem:
            errors[name] = problem
    return errors


def _value_errors(field, value):
    """None when the value has the field's JSON type, else the errors (a list, or a dict for a
    nested object)."""
    if value is None or value is empty:
        return None  # null: the field's own allow_null decides
    if isinstance(field, serializers.ListSerializer):
        return _list_errors(field.child, value)
    if isinstance(field, serializers.Serializer):
        if not isinstance(value, dict):
            return [_message("object")]
        return _object_errors(field, value) or None
    if isinstance(field, serializers.ManyRelatedField):
        return _list_errors(field.child_relation, value)
    if isinstance(field, serializers.ListField | serializers.MultipleChoiceField):
        child = getattr(field, "child", None)
        return _list_errors(child, value) if child is not None else _expect(value, list, "array")
    if isinstance(field, serializers.BooleanField):
        return _expect(value, bool, "boolean")
    if isinstance(field, serializers.ChoiceField):
        return _choice_errors(field, value)
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return _expect_integer(value)
    if isinstance(field, _NUMBER_FIELDS):
        return _expect_number(value)
    if isinstance(field, serializers.DecimalField):
        return _expect(value, str, "string")  # documented as a decimal string
    if isinstance(field, serializers.CharField):
        return _string_errors(field, value)
    if isinstance(field, _STRING_FIELDS):
        return _expect(value, str, "string")
    if isinstance(field, serializers.DictField):
        return _expect(value, dict, "object")
    return None


def _list_errors(child, value):
    if not isinstance(value, list):
        return [_message("array")]
    errors = {}
    for index, item in enumerate(value):
        problem = _value_errors(child, item) if child is not None else None
        if problem:
            errors[str(index)] = problem
    return errors or None


def _choice_errors(field: serializers.ChoiceField, value):
    if value == "" and field.allow_blank:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return [field.error_messages["invalid_choice"].format(input=value)]
    if value not in field.choices:  # the exact value, not its string form ("1" is not 1)
        return [field.error_messages["invalid_choice"].format(input=value)]
    return None


def _string_errors(field: serializers.CharField, value):
    if not isinstance(value, str):
        return [_message("string")]
    if field.max_length is not None and len(value) > field.max_length:
        # DRF trims before counting; the document counts what is sent.
        return [field.error_messages["max_length"].format(max_length=field.max_length)]
    return None


def _expect(value, kind, name: str):
    return None if isinstance(value, kind) else [_message(name)]


def _expect_integer(value):
    return None if isinstance(value, int) and not isinstance(value, bool) else [_message("integer")]


def _expect_number(value):
    return None if isinstance(value, int | float) and not isinstance(value, bool) else [_message("number")]


def _message(kind: str) -> str:
    return f"Expected a JSON {kind}."
