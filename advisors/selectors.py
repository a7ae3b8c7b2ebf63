"""Read-side queries about regions, organisations and people."""

import copy
from collections import defaultdict

from django.conf import settings

from exportcenter import cached_rows

from . import access
from .models import Organisation, Region


def current_region(user=None) -> Region | None:
    """The export center the page speaks for: the signed-in user's first region, else the site's region.

    A deployment serves one export center; `PORTAL_REGION` (a slug) names it, else the first active one.
    """
    if user is not None and user.is_authenticated and user.organisation_id:
        # The regions as the access checks read them (one query a page for both).
        region = next((region for region in access.regions_of(user) if region.is_active), None)
        if region is not None:
            return region
    slug = getattr(settings, "PORTAL_REGION", "")
    # The same for every visitor until a region or an organisation changes: read once per reference data
    # version (exportcenter.cached_rows), with its operator, and each caller gets its own copy.
    region = cached_rows.value(f"advisors.site-region:{slug}", lambda: _site_region(slug))
    return copy.deepcopy(region)


def _site_region(slug: str) -> Region | None:
    regions = Region.objects.filter(is_active=True).select_related("operator")
    if slug:
        return regions.filter(slug=slug).first()
    return regions.order_by("name").first()


def partners_of(region: Region | None):
    """Active partner organisations serving a region, for the public landing page."""
    if region is None:
        return Organisation.objects.none()
    return Organisation.objects.active().serving(region).order_by("name")


def region_for_county(county_code: str) -> Region | None:
    """The active export center that covers a county, with its operator; None sends a request to the
    unassigned queue. Read once per reference data version (`exportcenter.cached_rows`: a change to a
    region, its counties or an organisation gives a new one), and each caller gets its own copy."""
    region = cached_rows.value("advisors.regions-by-county", _regions_by_county).get(county_code)
    return copy.deepcopy(region)


def _regions_by_county() -> dict[str, Region]:
    """Each county's active export center (the first made, should two cover it), with its operator."""
    by_county = {}
    regions = Region.objects.filter(is_active=True).select_related("operator").prefetch_related("counties")
    for region in regions.order_by("-pk"):
        counties = [county.pk for county in region.counties.all()]
        del region._prefetched_objects_cache  # not kept: only the region and its operator
        by_county.update(dict.fromkeys(counties, region))
    return by_county


def queues(organisation_ids) -> dict[int, list]:
    """The people behind each organisation's queue ("function before person"): those on triage duty;
    without any, its leads; without leads, every active member. One query for all the organisations."""
    from .models import User

    members = defaultdict(list)
    for person in User.objects.filter(
        is_active=True, organisation_id__in=set(organisation_ids), organisation__is_active=True
    ).order_by("pk"):
        members[person.organisation_id].append(person)
    return {
        organisation_id: (
            [person for person in people if person.handles_triage]
            or [person for person in people if person.is_organisation_lead]
            or people
        )
        for organisation_id, people in members.items()
    }


def queue_people(organisation_id: int | None) -> list:
    """The people behind one organisation's queue (see `queues`)."""
    if organisation_id is None:
        return []
    return queues([organisation_id]).get(organisation_id, [])


def triage_recipients(region: Region | None) -> list:
    """Who hears of a new request: the queue of the organisation that runs the center.

    Without a region (an unserved county), or a region without an operator, the portal's administrators.
    """
    from .models import User

    if region is None or region.operator_id is None:
        return list(User.objects.filter(is_active=True, is_superuser=True))
    return queue_people(region.operator_id)


def visible_organisations(user):
    """Partner organisations with the regions they serve, for the directory API."""
    return access.visible(user, Organisation.objects.all()).prefetch_related("regions").order_by("name", "pk")
