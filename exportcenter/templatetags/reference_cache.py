"""`{% reference_fragment %}`: markup rendered once per language and reference data version (issue 16).

    {% load reference_cache %}
    {% reference_fragment "intake-form" unless form.is_bound %}
      ...the unbound form's fields...
    {% endreference_fragment %}

The public request form's fields (labels, help texts, 290 municipalities, 250 countries twice, the need
categories) are the same for every visitor in a language until the reference data changes. The block is
kept through `exportcenter.widget_cache.cached_markup`: same data version, same invalidation, same fallback
when the cache is down. The block must not hold anything of the visitor or the request (a CSRF token, a
bound form's values or errors): `unless` renders it without the cache when its value is true. The key holds
a hash of the block's source, so that a changed template is never served from an older entry. What it
includes (templates, the widgets' Python) changes with a deploy, whose `migrate` gives the data a new version.
"""

import hashlib

from django import template

from exportcenter import widget_cache

register = template.Library()


class ReferenceFragmentNode(template.Node):
    def __init__(self, nodelist, name: str, unless):
        self.nodelist = nodelist
        self.name = name
        self.unless = unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context, ignore_failures=True):
            return self.nodelist.render(context)
        return widget_cache.cached_markup(self.name, lambda: self.nodelist.render(context))


@register.tag
def reference_fragment(parser, token):
    bits = token.split_contents()
    usage = f'Usage: {{% {bits[0]} "name" [unless <condition>] %}}'
    if len(bits) not in (2, 4) or (len(bits) == 4 and bits[2] != "unless"):
        raise template.TemplateSyntaxError(usage)
    name = bits[1]
    if len(name) < 2 or name[0] != name[-1] or name[0] not in "\"'":
        raise template.TemplateSyntaxError(f"{usage}: the name is a quoted string.")
    unless = parser.compile_filter(bits[3]) if len(bits) == 4 else None
    waiting = parser.tokens[:]  # the tokens still to parse, the next one last
    nodelist = parser.parse(("endreference_fragment",))
    block = reversed(waiting[len(parser.tokens) :])  # the block's own tokens, in order
    parser.delete_first_token()
    digest = hashlib.blake2b(digest_size=8)
    for part in block:
        digest.update(f"{part.token_type.value}\x1f{part.contents}\x1e".encode())
    return ReferenceFragmentNode(nodelist, f"{name[1:-1]}:{digest.hexdigest()}", unless)
