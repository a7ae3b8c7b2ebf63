from .outcomes import ExportOutcome, OutcomePartner
from .surveys import Answer, FollowUpSurvey, SatisfactionSurvey, SurveyStatus

__all__ = [
    "Answer",
    "ExportOutcome",
    "FollowUpSurvey",
    "OutcomePartner",
    "SatisfactionSurvey",
    "SurveyStatus",
]
