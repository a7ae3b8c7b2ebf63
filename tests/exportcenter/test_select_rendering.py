"""`<select>`s are written in Python (exportcenter.forms.FormRenderer): the bytes of Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from exportcenter.forms import BootstrapBoundField, FormRenderer

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


# --- <input>s and <textarea>s ----------------------------------------------------------------------------
INPUT_CASES = {
    "text, empty": (forms.TextInput(), None),
    "text, hostile value": (forms.TextInput(attrs={"placeholder": HOSTILE}), HOSTILE),
    "text, empty string": (forms.TextInput(), ""),
    "text, bare and false attributes": (forms.TextInput(attrs={"required": True, "disabled": False}), "x"),
    "email": (forms.EmailInput(attrs={"autocomplete": "email"}), "a@example.se"),
    "url": (forms.URLInput(), "https://example.se/?a=1&b=2"),
    "number": (forms.NumberInput(), 3),
    "decimal": (forms.NumberInput(), 1.5),
    "password": (forms.PasswordInput(render_value=True), "secret"),
    "hidden": (forms.HiddenInput(), "0f3a"),
    "checkbox, ticked": (forms.CheckboxInput(), True),
    "checkbox, not ticked": (forms.CheckboxInput(), False),
    "date": (forms.DateInput(attrs={"type": "date"}), "2026-12-07"),
    "tel": (forms.TextInput(attrs={"type": "tel"}), "070-123 45 67"),
    "textarea, empty": (forms.Textarea(attrs={"rows": 6}), None),
    "textarea, hostile": (forms.Textarea(), HOSTILE),
    "textarea, lines and spaces": (forms.Textarea(), "\n  two\r\nlines  \n"),
    "safe value": (forms.TextInput(), mark_safe("<b>safe</b>")),
}


@pytest.mark.parametrize("widget,value", INPUT_CASES.values(), ids=INPUT_CASES.keys())
@pytest.mark.parametrize("language", ["sv", "en"])
def test_inputs_are_the_same_markup_as_djangos_templates(widget, value, language):
    with override(language):
        expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
        written = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    assert written == expected


class DjangosTemplates(DjangoTemplates):
    bound_field_class = BootstrapBoundField


class ChoicesForm(forms.Form):
    one = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, initial="NO")
    many = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple)


@pytest.mark.parametrize("data", [None, {"one": HOSTILE, "many": ["SE", "7"]}])
@pytest.mark.parametrize("wrap_label", [False, True])
def test_radio_and_checkbox_options_are_the_same_markup(data, wrap_label):
    def tags(renderer):
        form = ChoicesForm(data, renderer=renderer)
        return [option.tag(wrap_label=wrap_label) for name in form.fields for option in form[name]]

    assert tags(FormRenderer()) == tags(DjangosTemplates())


def test_only_djangos_plain_input_templates_are_written_in_python():
    """Each template FormRenderer writes itself is Django's: one include of input.html (input_option.html)."""
    from django.forms.renderers import DjangoTemplates as Engine

    from exportcenter.forms import INPUT_OPTION_TEMPLATES, INPUT_TEMPLATES

    engine = Engine().engine
    for name in INPUT_TEMPLATES:
        assert (
            engine.get_template(name).template.source == '{% include "django/forms/widgets/input.html" %}\n'
        )
    for name in INPUT_OPTION_TEMPLATES:
        source = engine.get_template(name).template.source
        assert source == '{% include "django/forms/widgets/input_option.html" %}\n'
