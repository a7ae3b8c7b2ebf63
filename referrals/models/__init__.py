"""The referrals app's models, by aggregate.

`needs` (NeedCategory: what a company needs help with), `requests` (AdviceRequest, its reference counter and
its timeline, RequestEvent), `inbox` (InboxView, SavedView), `referrals` (Referral, CoHandling and what they
write on a company's timeline), `catalogue` (Service and its eligibility criteria) and `replies` (CannedReply:
texts for writing to companies, with placeholders) and `attachments` (Attachment: files on a request).
"""

# isort: off
# Imported in the order the models were defined in the single models.py, so the app registry (and with it
# content types, permissions and dumpdata) keeps the same model order.
from .needs import NeedCategory
from .requests import AdviceRequest, AdviceRequestQuerySet, ReferenceCounter, RequestEvent
from .inbox import InboxView, SavedView
from .referrals import CoHandling, CompanyEventKind, Referral, ReferralQuerySet
from .catalogue import Criterion, Eligibility, Mismatch, Service, ServiceQuerySet
from .replies import CannedReply, CannedReplyQuerySet, Placeholder
from .attachments import Attachment
# isort: on

__all__ = [
    "AdviceRequest",
    "AdviceRequestQuerySet",
    "Attachment",
    "CannedReply",
    "CannedReplyQuerySet",
    "CoHandling",
    "CompanyEventKind",
    "Criterion",
    "Eligibility",
    "InboxView",
    "Mismatch",
    "NeedCategory",
    "Placeholder",
    "ReferenceCounter",
    "Referral",
    "ReferralQuerySet",
    "RequestEvent",
    "SavedView",
    "Service",
    "ServiceQuerySet",
]
