"""Form rendering shared by every form: Bootstrap classes on widgets.

Django 5.2 already ties hints and errors to inputs (aria-describedby with `<id>_helptext` and
`<id>_error`, aria-invalid); `templates/includes/field.html` renders those ids.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


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


class FormRenderer(DjangoTemplates):
    bound_field_class = BootstrapBoundField
