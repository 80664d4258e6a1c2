"""Form rendering helpers shared by every app's templates."""

from django import template

register = template.Library()


@register.simple_tag
def described_widget(field):
    """The field's widget tied to its help text and errors (aria-describedby), marked invalid
    when it has errors, so a screen reader reads the message with the field."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-help")
    ids += [f"{field.auto_id}-error-{number}" for number in range(1, len(field.errors) + 1)]
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
