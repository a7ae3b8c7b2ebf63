"""Form rendering shared by every form: Bootstrap classes on widgets, and `<select>`s written in Python.

Django 5.2 already ties hints and errors to inputs (aria-describedby with `<id>_helptext` and
`<id>_error`, aria-invalid); `templates/includes/field.html` renders those ids.

Django renders a `<select>` by including a template per `<option>`: the public form's ~800 options
(municipalities and two country lists) took ~85 % of its page time (issue 16). `FormRenderer` writes
Django's own select markup directly instead, the same bytes, with the same escaping; a widget with its own
templates goes through the template engine as before.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


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


def _option(option: dict) -> str:
    value, label = conditional_escape(str(option["value"])), conditional_escape(option["label"])
    return f'<option value="{value}"{_attributes(option["attrs"])}>{label}</option>'


def render_select(widget: dict) -> str:
    """django/forms/widgets/select.html, whitespace included, for a widget context whose options all use
    Django's option template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}\n" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE
        for _name, group, _index in widget["optgroups"]
        for option in group
    )


class FormRenderer(DjangoTemplates):
    bound_field_class = BootstrapBoundField

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and _plain_options(context["widget"]):
            return render_select(context["widget"])
        return super().render(template_name, context, request=request)
