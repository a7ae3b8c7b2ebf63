"""Read-side queries about regions, organisations and people."""

from django.conf import settings

from .models import Organisation, Region


def current_region(user=None) -> Region | None:
    """The export center the page speaks for: the signed-in user's first region, else the site's region.

    A deployment serves one export center; `PORTAL_REGION` (a slug) names it, else the first active one.
    """
    if user is not None and user.is_authenticated and user.organisation_id:
        region = user.organisation.regions.filter(is_active=True).order_by("name").first()
        if region is not None:
            return region
    regions = Region.objects.filter(is_active=True)
    slug = getattr(settings, "PORTAL_REGION", "")
    if slug:
        return regions.filter(slug=slug).first()
    return regions.order_by("name").first()


def partners_of(region: Region | None):
    """Active partner organisations serving a region, for the public landing page."""
    if region is None:
        return Organisation.objects.none()
    return Organisation.objects.active().serving(region).order_by("name")


def region_for_county(county_code: str) -> Region | None:
    """The active export center that covers a county; None sends a request to the unassigned queue."""
    return (
        Region.objects.filter(is_active=True, counties=county_code)
        .select_related("operator")
        .order_by("pk")
        .first()
    )


def triage_recipients(region: Region | None):
    """Who hears of a new request: the people of the organisation that runs the center.

    Without a region (an unserved county) the portal's administrators hear of it.
    """
    from .models import User

    people = User.objects.filter(is_active=True)
    if region is None or region.operator_id is None:
        return people.filter(is_superuser=True)
    return people.filter(organisation_id=region.operator_id)
