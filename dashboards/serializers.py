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
    new = serializers.IntegerField()
    total = serializers.IntegerField()


class GoalTrackerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    baseline = serializers.IntegerField(allow_null=True)
    target = serializers.IntegerField(allow_null=True)
    actual = serializers.IntegerField()
    new_this_year = serializers.IntegerField()
    progress_percent = serializers.FloatField(allow_null=True)
    trend = TrendRowSerializer(many=True)


class GoalRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    baseline = serializers.IntegerField()
    target = serializers.IntegerField()
    actual = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.FloatField(allow_null=True)


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
