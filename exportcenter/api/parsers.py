"""The API's JSON parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): JSON that no service can take is a 400.

- Nesting deeper than `API_JSON_MAX_DEPTH` (`[[[[…]]]]`) is refused before it is parsed: Python's parser
  would otherwise end in a RecursionError, a server error.
- Invalid UTF-8 is refused, and so are strings (or keys) with a NUL (`"\\u0000"`) or a lone surrogate
  (`"\\ud800"`), which PostgreSQL cannot store.
"""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from exportcenter.bad_input import bad_text

# A JSON string (escapes included) and the brackets outside strings.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, counted without parsing it."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _bad_strings(data) -> bool:
    """Whether any string of parsed JSON (a key or a value) cannot be stored."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if bad_text(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(_("The body is not valid UTF-8.")) from None
        limit = settings.API_JSON_MAX_DEPTH
        if nesting_depth(text) > limit:
            raise ParseError(_("The JSON is nested more than %(limit)d levels deep.") % {"limit": limit})
        try:
            data = json.loads(text, parse_constant=self._refuse_constant)
        except (ValueError, RecursionError) as error:
            raise ParseError(_("The body is not valid JSON.")) from error
        if _bad_strings(data):
            raise ParseError(
                _("The JSON holds characters that cannot be stored (a NUL or a lone surrogate).")
            )
        return data

    @staticmethod
    def _refuse_constant(name):
        raise ValueError(f"{name} is not JSON")
