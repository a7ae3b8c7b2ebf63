"""The company register does not name the kinds of event that referrals write on its timeline: referrals
registers them when the app is ready, and the timeline still words them."""

from django.utils import translation

from companies.models import CompanyEvent
from companies.models.company import event_kinds
from referrals.models import CompanyEventKind


def test_referral_event_kinds_are_registered_by_referrals_not_named_by_companies():
    assert not set(CompanyEventKind.values) & set(CompanyEvent.Kind.values)
    assert set(CompanyEventKind.values) <= {value for value, _label in event_kinds()}
    assert CompanyEvent._meta.get_field("kind").choices  # the callable is resolved for forms and the admin


def test_the_timeline_words_a_registered_kind_in_the_readers_language():
    event = CompanyEvent(kind=CompanyEventKind.REFERRAL_ACCEPTED)
    with translation.override("en"):
        assert event.get_kind_display() == "Referral accepted"
    with translation.override("sv"):
        assert event.get_kind_display() != "Referral accepted"
