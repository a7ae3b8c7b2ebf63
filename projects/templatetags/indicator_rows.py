"""The indicators page's company rows, each rendered once a page.

A company counts under several indicators (RCO01 and RCO02 or RCO04, often RCO05): its row recurs under
each. At 1,000,000 companies a project's 200 companies made 1,000 rows, most of the page's 80 ms. The
row is the same wherever it recurs, so it is rendered the first time and kept on the row for the rest of
the page (the rows are read anew for each page).
"""

from django import template
from django.template import Context

register = template.Library()

ROW_TEMPLATE = "projects/indicators/includes/company_row.html"


@register.simple_tag(takes_context=True)
def counted_company_row(context, row):
    """`row`: a CountedCompany; the context's `print` and `linkable` as the page has them."""
    printed = bool(context.get("print"))
    kept = row.__dict__.setdefault("_rendered_rows", {})
    if printed not in kept:
        kept[printed] = context.template.engine.get_template(ROW_TEMPLATE).render(
            Context(
                {"row": row, "print": printed, "linkable": context.get("linkable", ())},
                autoescape=context.autoescape,
            )
        )
    return kept[printed]
