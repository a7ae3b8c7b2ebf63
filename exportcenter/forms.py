"""Form rendering shared by every form: Bootstrap classes on widgets, and the widgets written in Python.

Django 5.2 already ties hints and errors to inputs (aria-describedby with `<id>_helptext` and
`<id>_error`, aria-invalid); `templates/includes/field.html` renders those ids.

Django renders a `<select>` by including a template per `<option>`: the public form's ~800 options
(municipalities and two country lists) took ~85 % of its page time (issue 16). `FormRenderer` writes
Django's own select markup directly instead, the same bytes, with the same escaping; a widget with its own
templates goes through the template engine as before. Selects of reference data go further and keep
their rendered options in the cache (`exportcenter/widget_cache.py`).

`<input>`s (text, email, the radio and checkbox options of a choice group ...) and `<textarea>`s are written
the same way: through the template engine they were about half of the public form's remaining time.
Only Django's own templates of those names are replaced (each includes `input.html`; the tests compare
their sources and the bytes).
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets"
SELECT_TEMPLATE = f"{WIDGETS}/select.html"
OPTION_TEMPLATE = f"{WIDGETS}/select_option.html"
# Each is `{% include "django/forms/widgets/input.html" %}` and nothing else.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}/{name}.html"
    for name in [
        "text",
        "email",
        "url",
        "number",
        "password",
        "hidden",
        "checkbox",
        "date",
        "datetime",
        "time",
        "color",
        "search",
        "tel",
    ]
)
# Each is `{% include "django/forms/widgets/input_option.html" %}`.
INPUT_OPTION_TEMPLATES = frozenset({f"{WIDGETS}/radio_option.html", f"{WIDGETS}/checkbox_option.html"})
TEXTAREA_TEMPLATE = f"{WIDGETS}/textarea.html"


def _widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [attrs.get("class", ""), _widget_class(widget)]
        if self.errors and not widget.is_hidden:
            classes.append("is-invalid")
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: True is a bare attribute, False is left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value) -> str:
    """`{{ value }}`: localised unless text, then escaped unless safe."""
    return conditional_escape(value if isinstance(value, str) else str(localize(value)))


def _option(option: dict) -> str:
    value, label = conditional_escape(str(option["value"])), _text(option["label"])
    return f'<option value="{value}"{_attributes(option["attrs"])}>{label}</option>'


def select_start(widget: dict) -> str:
    return f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'


SELECT_END = "\n</select>"


def option_parts(optgroups) -> list[tuple[str, dict | None]]:
    """The markup between the start and end tags, in pieces: (text, option) where an option's text is its
    `<option>` tag and a group's opening and closing lines have no option."""
    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            parts.append((f'\n  <optgroup label="{conditional_escape(group_name)}">', None))
        for option in group_choices:
            parts.append(("\n  ", None))
            parts.append((_option(option), option))
            parts.append(("\n", None))
        if group_name:
            parts.append(("\n  </optgroup>", None))
    return parts


def render_select(widget: dict) -> str:
    """django/forms/widgets/select.html, whitespace included, for a widget context whose options all use
    Django's option template."""
    body = "".join(text for text, _option in option_parts(widget["optgroups"]))
    return f"{select_start(widget)}{body}{SELECT_END}"


def render_input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    value = "" if value == None else f' value="{conditional_escape(str(value))}"'  # noqa: E711 - the template's test
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attributes(widget['attrs'])}>"
    )


def render_input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html: an option's input, in its label unless `wrap_label` is off."""
    if not widget["wrap_label"]:
        return render_input(widget)
    label_id = widget["attrs"].get("id")
    label_for = f' for="{_text(label_id)}"' if label_id else ""
    # The included input.html keeps its final line break inside the label.
    return f"<label{label_for}>{render_input(widget)}\n {_text(widget['label'])}</label>"


def render_textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html."""
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>\n{value}</textarea>'


def _plain_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE
        for _name, group, _index in widget["optgroups"]
        for option in group
    )


class FormRenderer(DjangoTemplates):
    bound_field_class = BootstrapBoundField

    def render(self, template_name, context, request=None):
        # The template engine strips what it renders: so do these (a textarea's value keeps its spaces).
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name in INPUT_OPTION_TEMPLATES:
            return render_input_option(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        if template_name == SELECT_TEMPLATE and _plain_options(context["widget"]):
            return render_select(context["widget"])
        return super().render(template_name, context, request=request)
