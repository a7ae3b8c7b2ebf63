"""What the dashboards' API answers: one serializer per figure."""

from rest_framework import serializers


class CountRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SpeedSerializer(serializers.Serializer):
    median_first_response_seconds = serializers.FloatField(allow_null=True)
    median_first_response_hours = serializers.FloatField(allow_null=True)
    decided = serializers.IntegerField()
    owner_within_one_working_day = serializers.IntegerField()
    owner_within_one_working_day_percent = serializers.FloatField(allow_null=True)


class WorkloadRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class WorkloadSerializer(serializers.Serializer):
    per_organisation = WorkloadRowSerializer(many=True)
    per_advisor = WorkloadRowSerializer(many=True)


class ReferralRowSerializer(serializers.Serializer):
    from_key = serializers.CharField()
    from_label = serializers.CharField()
    to_key = serializers.CharField()
    to_label = serializers.CharField()
    count = serializers.IntegerField()
    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    acceptance_percent = serializers.FloatField(allow_null=True)
    median_answer_hours = serializers.FloatField(allow_null=True)


class FunnelRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The campaign's public id.")
    label = serializers.CharField()
    targeted = serializers.IntegerField()
    contacted = serializers.IntegerField()
    requested = serializers.IntegerField()
    exporting = serializers.IntegerField()


class TrendRowSerializer(serializers.Serializer):
    month = serializers.CharField()
    new = serializers.IntegerField(help_text="Companies newly international in the month.")
    total = serializers.IntegerField(
        allow_null=True, help_text="Cumulative since the goal's start; null for a month not yet begun."
    )
    target_path = serializers.FloatField(
        allow_null=True, help_text="The target's straight-line path at the month's end; null without a goal."
    )


class OfficialFigureFields(serializers.Serializer):
    official_baseline = serializers.IntegerField(
        allow_null=True,
        help_text="An official figure of another population (SCB's for the county): never in the progress.",
    )
    official_baseline_source = serializers.CharField(allow_blank=True)
    official_baseline_year = serializers.IntegerField(allow_null=True)


class GoalTrackerSerializer(OfficialFigureFields):
    year = serializers.IntegerField()
    goal_id = serializers.IntegerField(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.IntegerField(allow_null=True, help_text="The target increase.")
    actual = serializers.IntegerField(
        help_text="Companies of the region first confirmed international during the period."
    )
    helped = serializers.IntegerField(help_text="Of them, helped by the center.")
    prerequisite = serializers.IntegerField(help_text="Of them, said the support was a prerequisite.")
    progress_percent = serializers.FloatField(allow_null=True, help_text="actual ÷ target, never negative.")
    trend = TrendRowSerializer(many=True)


class GoalRowSerializer(OfficialFigureFields):
    kind = serializers.CharField()
    label = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    baseline = serializers.IntegerField()
    target = serializers.IntegerField()
    actual = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.FloatField(allow_null=True)
    helped = serializers.IntegerField(allow_null=True)
    prerequisite = serializers.IntegerField(allow_null=True)


class RequestsByDimensionSerializer(serializers.Serializer):
    channel = CountRowSerializer(many=True)
    need = CountRowSerializer(many=True)
    municipality = CountRowSerializer(many=True)
    sni_section = CountRowSerializer(many=True)
    size_band = CountRowSerializer(many=True)
    target_market = CountRowSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class CountSerializer(serializers.Serializer):
    period = PeriodSerializer()
    count = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    requests_received = serializers.IntegerField()
    companies_reached = serializers.IntegerField()
    new_international_companies = serializers.IntegerField()
    requests_by_month = CountRowSerializer(many=True)
    requests_by = RequestsByDimensionSerializer()
    speed = SpeedSerializer()
    workload = WorkloadSerializer()
    referral_matrix = ReferralRowSerializer(many=True)
    outreach_funnel = FunnelRowSerializer(many=True)
    goal_tracker = GoalTrackerSerializer()
    goals = GoalRowSerializer(many=True)
