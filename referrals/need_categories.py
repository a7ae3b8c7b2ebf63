"""The need categories of the domain brief, with the partner kinds that usually help (routing).

Seeded by migration 0002 and by `seed_demo`; afterwards they are data that regional staff edit, so seeding
only adds categories that are missing and never overwrites an edit.
"""

# slug, Swedish name, English name, Swedish help, English help, primary kinds, secondary kinds
CATEGORIES = [
    (
        "export-readiness",
        "Exportmognad och strategi",
        "Export readiness and strategy",
        "Är företaget redo att exportera, och hur ska ni göra?",
        "Is the company ready to export, and how should you go about it?",
        ["almi", "business_sweden"],
        ["region"],
    ),
    (
        "market-selection",
        "Marknadsval och marknadsanalys",
        "Market selection and market analysis",
        "Vilka länder passar bäst, och hur ser marknaden ut där?",
        "Which countries suit you best, and what is the market like there?",
        ["business_sweden"],
        ["region", "een"],
    ),
    (
        "customers-partners",
        "Hitta kunder eller partner utomlands",
        "Finding customers or partners abroad",
        "Kunder, återförsäljare, agenter eller samarbetspartner i andra länder.",
        "Customers, distributors, agents or partners in other countries.",
        ["business_sweden", "een"],
        ["region"],
    ),
    (
        "working-capital",
        "Rörelsekapital och lån",
        "Working capital and loans",
        "Finansiering för att ta en exportorder eller växa utomlands.",
        "Financing to take on an export order or grow abroad.",
        ["almi", "ekn"],
        [],
    ),
    (
        "buyer-credit-risk",
        "Kreditrisk hos köparen, att få betalt",
        "Buyer credit risk, getting paid",
        "Skydd om en utländsk kund inte betalar.",
        "Protection if a foreign customer does not pay.",
        ["ekn"],
        [],
    ),
    (
        "export-finance",
        "Stor eller långsiktig exportfinansiering",
        "Large or long-term export finance",
        "Finansiering av större affärer, ofta tillsammans med bank och EKN.",
        "Financing of larger deals, usually with a bank and EKN.",
        ["sek"],
        ["ekn"],
    ),
    (
        "customs",
        "Tull, EORI, varukoder och ursprungsregler",
        "Customs, EORI, commodity codes, rules of origin",
        "Tulldeklarationer, EORI-nummer, varukoder och ursprungsintyg.",
        "Customs declarations, EORI numbers, commodity codes and certificates of origin.",
        ["business_sweden"],
        ["chamber_of_commerce"],
    ),
    (
        "trade-barriers",
        "Handelshinder och problem på EU-marknaden",
        "Trade barriers and problems on the EU market",
        "Hinder för handel utanför EU eller problem på EU:s inre marknad.",
        "Obstacles to trade outside the EU, or problems on the EU internal market.",
        ["een", "other"],
        [],
    ),
    (
        "ce-marking",
        "CE-märkning, standarder och certifiering",
        "CE marking, standards, certification",
        "Produktregler, standarder och certifiering för en ny marknad.",
        "Product rules, standards and certification for a new market.",
        ["een"],
        ["other"],
    ),
    (
        "legal",
        "Avtal, försäkringar och juridiska frågor",
        "Contracts, insurance, legal questions",
        "Avtal med utländska kunder, försäkringar och juridisk rådgivning.",
        "Contracts with foreign customers, insurance and legal advice.",
        ["region"],
        ["een"],
    ),
    (
        "trade-fairs",
        "Mässor och delegationsresor",
        "Trade fairs and delegations",
        "Delta i mässor och delegationer utomlands.",
        "Take part in trade fairs and delegations abroad.",
        ["business_sweden"],
        ["region"],
    ),
    (
        "eu-funding",
        "EU-finansiering och forskningsprogram",
        "EU funding and R&D programmes",
        "EU:s program för finansiering, forskning och utveckling.",
        "The EU's programmes for funding, research and development.",
        ["een"],
        ["innovation_centre"],
    ),
    (
        "innovation",
        "Innovation och tillväxt",
        "Innovation and scaling up",
        "Stöd till nystartade och växande företag med innovativa produkter.",
        "Support for start-ups and scale-ups with innovative products.",
        ["innovation_centre"],
        ["almi"],
    ),
]


def seed_need_categories(model=None) -> int:
    """Create the missing categories. `model` is the historical model inside a migration."""
    if model is None:
        from .models import NeedCategory as model
    created = 0
    for position, (slug, name_sv, name_en, help_sv, help_en, primary, secondary) in enumerate(CATEGORIES):
        _category, was_created = model.objects.get_or_create(
            slug=slug,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "help_sv": help_sv,
                "help_en": help_en,
                "primary_partner_kinds": primary,
                "secondary_partner_kinds": secondary,
                "position": position * 10,
            },
        )
        created += was_created
    return created
