"""Cached `<option>` lists for selects of reference data (issue 16).

Municipalities, SNI codes, counties, countries, partner organisations, need categories: hundreds of
`<option>`s that change a few times a year, rendered on every view of the public form, the company list
and the inbox. A field opts in by its widget, `CachedSelect(key=...)` or `CachedSelectMultiple(key=...)`.
Such a widget renders its options once per language and data version, keeps the markup in Django's cache
(Redis in production) and afterwards only marks the chosen values: a GET reads no choices from the
database. The bytes are those of `exportcenter.forms.render_select` (Django's own select markup).
A whole block of such markup (the public form's unbound fields) is kept the same way by the template tag
`{% reference_fragment %}` (exportcenter/templatetags/reference_cache.py, through `cached_markup`).

- The cache key holds the language, the `key` the field gave and, for model choices, the SQL of the
  field's queryset and its empty and null labels, so that a list narrowed per user (the municipalities of
  the user's counties) or labelled differently gets its own entry.
- A saved or deleted row of a model in `INVALIDATED_BY` changes the shared data version
  (`connect_signals()`, from `CompaniesConfig.ready()`) when its transaction commits; until then that
  transaction renders under a version of its own, so that rows a rollback takes back never reach the
  cache (`_PendingChange`). `flush` changes the version too. Writes that send no signals
  (`bulk_create`, `QuerySet.update`: the reference data loader) call `bump_version()`, or are seen
  after `ENTRY_SECONDS`.
- Each process keeps a copy of the entries it has read, at their data version (`_LocalCopies`, the 256
  most recently used), and a request reads the shared version once: a page then asks the shared cache for
  a few bytes, not for each list. A change made in another process shows from the next request.
- Validation is untouched: the field still checks a posted value against its real queryset or choices,
  so a choice deleted since the list was cached is refused. (A field that should check against the cached
  rows instead, as the public form's municipality and needs do, is one of `exportcenter.cached_rows`.)
- A FilterSet opts its filters in after its class: `cache_choices(RequestFilter, "county", ...)`.
- Only with the project's `FormRenderer`; any other renderer (the admin's, a test's) gets Django's path.
  A cache that fails (Redis down or hung) costs the cached path, never the page: the options are rendered
  as without the cache, and the process leaves the cache alone for `BACKOFF_SECONDS`, so that a hung
  Redis delays one page by its socket timeout, not every select of every page.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.forms.renderers import get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .forms import OPTION_TEMPLATE, SELECT_END, SELECT_TEMPLATE, FormRenderer, option_parts, select_start

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_KEY = "widget-cache:version"
ENTRY_SECONDS = 6 * 60 * 60  # a bound on staleness after writes that send no signals
# The models whose rows the cached lists show, and those `exportcenter.cached_rows` keeps (the mailboxes'
# reply addresses), as "app_label.ModelName": no app is imported.
INVALIDATED_BY = (
    "reference.County",
    "reference.Municipality",
    "reference.SNISection",
    "reference.SNICode",
    "reference.TurnoverClass",
    "advisors.Region",
    "advisors.Organisation",
    "referrals.NeedCategory",
    "mailboxes.Mailbox",
)
# Many-to-many relations among them whose changes send no row signals (`region.counties.add(...)`): the
# automatic "through" models, watched by `m2m_changed`.
INVALIDATED_BY_LINKS = ("advisors.Region_counties",)
SELECTED = " selected"
BACKOFF_SECONDS = 30
_cache_down_until = {"at": 0.0}


def _cache_is_down() -> bool:
    return time.monotonic() < _cache_down_until["at"]


def _cache_failed(what: str) -> None:
    _cache_down_until["at"] = time.monotonic() + BACKOFF_SECONDS
    logger.warning("The widget cache could not be %s; rendering without it for a while.", what, exc_info=True)


# --- The data version ------------------------------------------------------------------------------------
def bump_version() -> None:
    """Every cached list is stale from now on."""
    _request_version.value = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache that is down holds no entries to invalidate
        _cache_failed("given a new version")


# The shared version as a request read it first: the page's selects and fragments ask the shared cache once
# (the inbox has six), and a change made elsewhere shows from the next request on. Outside a request (a
# task, a shell, a test that renders a form) every read asks.
_request_version = threading.local()


def _request_started(**kwargs) -> None:
    _request_version.active, _request_version.value = True, None


def _request_finished(**kwargs) -> None:
    _request_version.active, _request_version.value = False, None


def _shared_version() -> str | None:
    if getattr(_request_version, "active", False) and _request_version.value is not None:
        return _request_version.value
    version = cache.get(VERSION_KEY)
    if getattr(_request_version, "active", False):
        _request_version.value = version
    return version


class _PendingChange:
    """Watched rows changed in a transaction that has not committed yet. Until it commits, the
    transaction's own pages use a version of their own (they see rows nobody else sees, and a rollback
    must leave no trace in the cache); when it commits, the shared version changes.

    Registered with `on_commit`, so Django forgets it when the transaction (or the savepoint it was
    registered in) rolls back: `_pending_version()` looks for it there."""

    def __init__(self):
        self.renew()

    def renew(self):
        self.version = f"pending-{uuid.uuid4().hex}"

    def __call__(self):
        bump_version()


def _pending_version(connection) -> str | None:
    pending = getattr(connection, "_widget_cache_pending", None)
    if pending is None or not connection.in_atomic_block:
        return None
    if any(callback is pending for _savepoints, callback, _robust in connection.run_on_commit):
        return pending.version
    return None


def _links_changed(sender, action: str, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _data_changed(sender, using=using)


def _data_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    connection = connections[using]
    if not connection.in_atomic_block:
        bump_version()
    elif _pending_version(connection) is None:
        connection._widget_cache_pending = pending = _PendingChange()
        transaction.on_commit(pending, using=using, robust=True)
    else:  # a later change in the same transaction: what it cached so far is stale too
        connection._widget_cache_pending.renew()


def _database_flushed(sender, **kwargs) -> None:
    bump_version()  # `flush` (and the test runner's) sends post_migrate, and no row signals


def connect_signals() -> None:
    for label in INVALIDATED_BY:
        uid = f"widget-cache:{label}"
        post_save.connect(_data_changed, sender=label, weak=False, dispatch_uid=uid)
        post_delete.connect(_data_changed, sender=label, weak=False, dispatch_uid=uid)
    for label in INVALIDATED_BY_LINKS:
        m2m_changed.connect(_links_changed, sender=label, weak=False, dispatch_uid=f"widget-cache:{label}")
    post_migrate.connect(_database_flushed, weak=False, dispatch_uid="widget-cache:post-migrate")
    request_started.connect(_request_started, weak=False, dispatch_uid="widget-cache:request-started")
    request_finished.connect(_request_finished, weak=False, dispatch_uid="widget-cache:request-finished")


# --- The cached options ----------------------------------------------------------------------------------
class Options:
    """A select's options without a selection, and where each value's `selected` goes."""

    __slots__ = ("body", "first_is_empty", "marks")

    def __init__(self, body: str, marks: dict[str, list[int]], first_is_empty: bool):
        self.body = body
        self.marks = marks  # str(value) -> the offsets in `body` at which " selected" is inserted
        self.first_is_empty = first_is_empty

    @classmethod
    def render(cls, widget: forms.Select) -> "Options | None":
        """From the widget's choices (one query for model choices); None if an option is not plain.
        `selected` goes before the option tag's `>`: after attributes the widget gives every option."""
        groups = widget.optgroups("", [])
        # A widget whose options' attributes depend on their values only (never on the selection) says so.
        static_attrs = getattr(widget, "static_option_attrs", False)
        pieces, marks, offset = [], {}, 0
        for text, option in option_parts(groups):
            if option is not None:
                if option["template_name"] != OPTION_TEMPLATE or (option["attrs"] and not static_attrs):
                    return None
                marks.setdefault(str(option["value"]), []).append(offset + text.index(">"))
            pieces.append(text)
            offset += len(text)
        # Select.use_required_attribute(): is the first choice (not an option of a group) empty?
        first_value = None
        if groups:
            group_name, group, _index = groups[0]
            first_value = group_name if group_name is not None else group[0]["value"]
        first_is_empty = bool(groups) and first_value in (None, "")
        return cls("".join(pieces), marks, first_is_empty)

    def with_selected(self, values: list[str], *, multiple: bool) -> str:
        """Django's rule: a single select marks only the first option whose value was chosen."""
        offsets = sorted({offset for value in values for offset in self.marks.get(value, ())})
        if not multiple:
            offsets = offsets[:1]
        parts, start = [], 0
        for offset in offsets:
            parts += [self.body[start:offset], SELECTED]
            start = offset
        parts.append(self.body[start:])
        return "".join(parts)


def _fingerprint(widget: forms.Select) -> str:
    choices = widget.choices
    field = getattr(choices, "field", None)
    parts = [widget.cache_key, type(widget).__name__]
    if field is not None:
        parts += [
            f"{type(field).__module__}.{type(field).__qualname__}",
            str(getattr(field, "empty_label", None)),
            str(getattr(field, "null_label", None)),
            str(getattr(field, "to_field_name", None)),
        ]
    queryset = getattr(choices, "queryset", None)
    if queryset is not None:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # `pk__in=[]`, `.none()`: a user of no region (the national role, issue 18)
            sql, params = "EMPTY", ()
        parts += [queryset.db, sql, repr(params)]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


class _LocalCopies:
    """This process's copies of the entries it has read, each with its data version: a page then asks the
    shared cache for the version only (a few bytes), not for the entry (a county's municipalities are
    tens of kilobytes to transfer and unpickle: 0.5 ms a select, 2.5-3 ms on the inbox). At most `size`
    entries, the least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, tuple[str, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, version: str | None):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or version is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, version: str, value) -> None:
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


LOCAL_ENTRIES = 256
_local = _LocalCopies(LOCAL_ENTRIES)


def _at_data_version(key: str, using: str, make: Callable[[], T]) -> T:
    """The value kept under `key` at the data version in force; made (and kept) when it is not there. A
    cache that fails costs the making, and the cache is left alone for a while. The version is read from
    the shared cache once a request (`_shared_version`); the entry only when this process has no copy of
    it at that version."""
    pending = _pending_version(connections[using])
    try:
        version = pending or _shared_version()
        value = _local.get(key, version)
        if value is not None:
            return value
        entry = cache.get(key)
    except Exception:
        _cache_failed("read")
        return make()
    if version is not None and entry is not None and entry[0] == version:
        _local.put(key, version, entry[1])
        return entry[1]
    value = make()
    if value is None:
        return None
    try:
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            _request_version.value = None
            version = _shared_version()
        if version is not None:
            cache.set(key, (version, value), timeout=ENTRY_SECONDS)
            _local.put(key, version, value)
    except Exception:
        _cache_failed("written")
    return value


def cached_options(widget: forms.Select) -> Options | None:
    """The widget's options from the cache, rendered and stored on a miss; None: render without the cache."""
    if _cache_is_down():
        return None
    key = f"widget-cache:{get_language() or ''}:{_fingerprint(widget)}"
    queryset = getattr(widget.choices, "queryset", None)
    return _at_data_version(
        key, queryset.db if queryset is not None else DEFAULT_DB_ALIAS, lambda: Options.render(widget)
    )


def cached_markup(name: str, render: Callable[[], str]) -> str:
    """Markup that depends on nothing but the page's language and the data of `INVALIDATED_BY` (an unbound
    form's fields: labels, help texts, reference data's options), rendered once per language and data
    version. `name` must change when the markup's source does (the template tag adds a hash of it)."""
    return at_data_version(f"widget-cache:markup:{get_language() or ''}:{name}", render)


def at_data_version(key: str, make: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> T:
    """`make()`'s value, kept under `key` until the data of `INVALIDATED_BY` changes; with the cache down,
    made each time. The value must depend on nothing else (no request, user or time), and None is not
    kept. For the markup above and the rows and values of `exportcenter.cached_rows`."""
    if _cache_is_down():
        return make()
    return _at_data_version(key, using, make)


class CachedChoicesMixin:
    """A `<select>` whose options come from the cache. `key` names the list (with the language, and for
    model choices the queryset, it is the cache key)."""

    def __init__(self, attrs=None, choices=(), *, key: str):
        super().__init__(attrs, choices)
        self.cache_key = key
        self._options = None  # (language, Options) of this form's render

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._options = None
        return copy

    def _cached(self) -> Options | None:
        language = get_language()
        if self._options is None or self._options[0] != language:
            self._options = (language, cached_options(self))
        return self._options[1]

    def _uses_cache(self, renderer) -> bool:
        return (
            isinstance(renderer, FormRenderer)
            and self.template_name == SELECT_TEMPLATE
            and self.option_template_name == OPTION_TEMPLATE
        )

    def use_required_attribute(self, initial):
        # Django asks whether the first option is empty, which would evaluate the choices.
        if self.allow_multiple_selected:
            return super().use_required_attribute(initial)
        options = self._cached()
        if options is None:
            return super().use_required_attribute(initial)
        return forms.Widget.use_required_attribute(self, initial) and options.first_is_empty

    def render(self, name, value, attrs=None, renderer=None):
        renderer = renderer or get_default_renderer()
        options = self._cached() if self._uses_cache(renderer) else None
        if options is None:
            return super().render(name, value, attrs, renderer)
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            context["attrs"]["multiple"] = True
        body = options.with_selected(context["value"], multiple=self.allow_multiple_selected)
        # Every part is escaped where it is made (select_start, the cached options): safe to join.
        return mark_safe(f"{select_start(context)}{body}{SELECT_END}")  # noqa: S308  # nosec B308 B703


class CachedSelect(CachedChoicesMixin, forms.Select):
    pass


class CachedSelectMultiple(CachedChoicesMixin, forms.SelectMultiple):
    pass


def cache_choices(filterset_class, *names: str) -> None:
    """Opt filters of a django-filter FilterSet into the cache, after its class statement, e.g.
    `cache_choices(RequestFilter, "need", "county", "municipality")`. A filter keeps a widget it was given."""
    for name in names:
        extra = filterset_class.base_filters[name].extra
        if "widget" in extra:
            continue
        multiple = getattr(
            filterset_class.base_filters[name].field_class.widget, "allow_multiple_selected", False
        )
        widget = CachedSelectMultiple if multiple else CachedSelect
        extra["widget"] = widget(key=f"{filterset_class.__module__}.{filterset_class.__qualname__}.{name}")
