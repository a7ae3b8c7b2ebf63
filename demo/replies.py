"""Demo canned replies: Almi's and EKN's own, in Swedish and English, and the replies the demo region shares
with its partners. Idempotent: a reply is found by its owner, language and title, and its text set again."""

from advisors.models import Organisation, Region
from referrals.models import CannedReply

# organisation slug (None: the demo region's shared replies), language, title, text
REPLIES = [
    (
        "almi",
        "sv",
        "Första svar",
        "Hej!\n\nTack för er förfrågan till Exportcenter ({reference}). Jag heter {advisor} och är er "
        "rådgivare på {partner}. Jag ringer er inom två arbetsdagar för ett första samtal om era planer.\n\n"
        "Med vänliga hälsningar\n{advisor}\n{partner}",
    ),
    (
        "almi",
        "en",
        "First answer",
        "Hello,\n\nThank you for your request to the Export Center ({reference}). My name is {advisor}, your "
        "advisor at {partner}. I will call you within two working days for a first talk about your plans.\n\n"
        "Kind regards\n{advisor}\n{partner}",
    ),
    (
        "almi",
        "sv",
        "Vi behöver veta mer",
        "Hej!\n\nFör att kunna hjälpa {company} på bästa sätt behöver vi veta lite mer: vilka marknader ni "
        "tittar på, och hur ni säljer i dag. Svara gärna på det här meddelandet.\n\n"
        "Med vänliga hälsningar\n{advisor}, {partner}",
    ),
    (
        "almi",
        "en",
        "We need to know more",
        "Hello,\n\nTo help {company} as well as we can, we need to know a little more: which markets you "
        "are looking at, and how you sell today. Please reply to this message.\n\n"
        "Kind regards\n{advisor}, {partner}",
    ),
    (
        "ekn",
        "sv",
        "Om exportkreditgarantier",
        "Hej!\n\nTack för er fråga ({reference}). EKN kan garantera betalningen från er köpare, så att "
        "{company} kan erbjuda kredit utan att ta risken själv. Jag återkommer med ett förslag.\n\n"
        "Med vänliga hälsningar\n{advisor}, {partner}",
    ),
    (
        "ekn",
        "en",
        "About export credit guarantees",
        "Hello,\n\nThank you for your question ({reference}). EKN can guarantee your buyer's payment, so "
        "that {company} can offer credit without carrying the risk. I will come back with a proposal.\n\n"
        "Kind regards\n{advisor}, {partner}",
    ),
    (
        None,
        "sv",
        "Inbjudan till behovssamtal",
        "Hej!\n\nVälkommen till Exportcenter Uppsala län. Vi bjuder in {company} till ett kostnadsfritt "
        "behovssamtal, där vi tillsammans ser vilka av regionens partner som kan hjälpa er. Ange referensen "
        "{reference} när ni svarar.\n\nMed vänliga hälsningar\n{advisor}, {partner}",
    ),
    (
        None,
        "en",
        "Invitation to a needs meeting",
        "Hello,\n\nWelcome to Exportcenter Uppsala län. We invite {company} to a free needs meeting, where "
        "we find out together which of the region's partners can help you. Please quote {reference} when you "
        "reply.\n\nKind regards\n{advisor}, {partner}",
    ),
]


def seed() -> int:
    """Create or update the demo replies; returns how many they are (not the replies people add)."""
    region = Region.objects.get(slug="uppsala")
    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in={"almi", "ekn"})}
    count = 0
    for slug, language, title, body in REPLIES:
        if slug is None:
            owner = {"scope": CannedReply.Scope.REGION, "region": region, "organisation": None}
        elif slug in organisations:
            owner = {
                "scope": CannedReply.Scope.ORGANISATION,
                "organisation": organisations[slug],
                "region": None,
            }
        else:
            continue
        CannedReply.objects.update_or_create(
            **owner, language=language, title=title, defaults={"body": body, "is_active": True}
        )
        count += 1
    return count
