"""Access policies: surveys (issue 18).

A survey's answers (the ratings, the flags) are seen by the people of its region, like the request or
company they are about. The free text ("view_personal_data": it may name people) is shown only to the
owning organisation (the partner that handled the request when it closed) and to the region's regional
staff; a follow-up's free text, which has no owning organisation, to regional staff only. The national
role sees no survey at all: its figures are the suppressed aggregates. Nobody changes a survey: only the
company answers, through its link.
"""

from django.db.models import Q

from .base import Policy, policy, region_ids


def _region_rule(user) -> Q | None:
    if user.is_national or not region_ids(user):
        return None
    return Q(region_id__in=region_ids(user))


@policy("effects.SatisfactionSurvey")
class SatisfactionSurveyPolicy(Policy):
    """Asked "oversee" about the model: may the user open the Satisfaction page (organisation leads and
    regional staff; its figures are aggregates, suppressed under five answers)."""

    def view_filter(self, user):
        return _region_rule(user)

    def can_oversee(self, user, survey):
        return (
            isinstance(survey, type)
            and (user.is_organisation_lead or user.is_regional_staff)
            and _region_rule(user) is not None
        )

    def view_personal_data_filter(self, user) -> Q | None:
        rule = _region_rule(user)
        if rule is None or user.is_regional_staff:
            return rule
        return rule & Q(organisation_id=user.organisation_id)

    def can_view_personal_data(self, user, survey):
        if isinstance(survey, type) or not self.can_view(user, survey):
            return False
        return user.is_regional_staff or survey.organisation_id == user.organisation_id


@policy("effects.FollowUpSurvey")
class FollowUpSurveyPolicy(Policy):
    def view_filter(self, user):
        return _region_rule(user)

    def view_personal_data_filter(self, user) -> Q | None:
        return _region_rule(user) if user.is_regional_staff else None

    def can_view_personal_data(self, user, survey):
        return (
            not isinstance(survey, type)
            and not user.is_national
            and user.is_regional_staff
            and survey.region_id in region_ids(user)
        )
