"""`<select>`s are written in Python (exportcenter.forms.FormRenderer): the bytes of Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from exportcenter.forms import FormRenderer

HOSTILE = "<script>alert('x')</script> & \"quoted\""

CHOICES = [
    ("", "Choose…"),
    ("SE", "Sweden"),
    ("NO", HOSTILE),
    (HOSTILE, "value with markup"),
    (7, "an integer value"),
    ("safe", mark_safe("<b>already safe</b>")),
    ("lazy", gettext_lazy("All")),
]
GROUPED = [
    ("Nordic", [("DK", "Denmark"), ("FI", "Finland")]),
    (HOSTILE, [("x", "in a hostile group")]),
    ("DE", "Germany"),
]


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


CASES = {
    "select, nothing chosen": (forms.Select(choices=CHOICES), None),
    "select, one chosen": (forms.Select(choices=CHOICES), "NO"),
    "select, hostile value chosen": (forms.Select(choices=CHOICES), HOSTILE),
    "select, integer chosen": (forms.Select(choices=CHOICES), 7),
    "select with attributes": (
        forms.Select(
            choices=CHOICES,
            attrs={"class": "form-select is-invalid", "required": True, "disabled": False, "data-x": HOSTILE},
        ),
        "SE",
    ),
    "multiple, several chosen": (forms.SelectMultiple(choices=CHOICES, attrs={"size": 6}), ["SE", "NO", 7]),
    "multiple, none chosen": (forms.SelectMultiple(choices=CHOICES), []),
    "optgroups": (forms.Select(choices=GROUPED), "FI"),
    "optgroups, multiple": (forms.SelectMultiple(choices=GROUPED), ["x", "DE"]),
    "no choices": (forms.Select(choices=[]), None),
    "null boolean": (forms.NullBooleanSelect(), True),
    "an option template of its own": (CustomOption(choices=CHOICES), "SE"),
}


@pytest.mark.parametrize("widget,value", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_same_markup_as_djangos_templates(widget, value, language):
    with override(language):
        expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
        written = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    assert written == expected
    assert "<script>" not in written


def test_a_select_is_not_rendered_through_the_template_engine(monkeypatch):
    rendered = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        rendered.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    countries = [(str(i), f"Country {i}") for i in range(250)]
    html = forms.SelectMultiple(choices=countries).render("markets", ["3"], renderer=FormRenderer())
    assert rendered == []
    assert html.count("<option ") == 250
    assert '<option value="3" selected>Country 3</option>' in html
