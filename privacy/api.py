"""REST API of the GDPR tools: `/api/v1/personal-data/contacts/` and `/api/v1/personal-data/sole-traders/`.

Regional staff of the person's region only (`advisors.access`: "gdpr_export", "gdpr_erase"). Another
region's person is not found (404); a person of one's region that one may not handle is 403. Both writes
need an explicit confirmation in the body, like the page: `{"confirm": true}` to export, the person's name
(`{"confirm_name": "..."}`) to erase.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from companies.models import Contact
from exportcenter.api.base import APIViewSet
from exportcenter.api.problems import Conflict

from . import selectors, services


class DataSubjectSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    anonymised_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DataSubjectContactSerializer(DataSubjectSerializer):
    email = serializers.CharField(read_only=True)
    company = serializers.CharField(source="company.name", read_only=True)


class PersonalDataSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    rows = serializers.IntegerField()


class PersonalDataHeldSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    anonymised_at = serializers.DateTimeField(allow_null=True)
    legal_hold = serializers.ListField(child=serializers.CharField())
    sections = PersonalDataSectionSerializer(many=True)


class PersonalDataExportRequestSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text=_("True: you export the person's data to answer their request (GDPR article 15 or 20).")
    )

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(_("Confirm why you export the data."))
        return value


class PersonalDataEraseRequestSerializer(serializers.Serializer):
    confirm_name = serializers.CharField(max_length=200, help_text=_("The person's name, as shown."))

    def validate_confirm_name(self, value):
        expected = self.context["expected"]
        if " ".join(value.split()).casefold() != " ".join(expected.split()).casefold():
            raise serializers.ValidationError(_("The name does not match. Type it exactly as shown above."))
        return value


class PersonalDataErasedSerializer(serializers.Serializer):
    erased = serializers.DictField(child=serializers.IntegerField(), help_text=_("Rows changed per section."))


_SEARCH = OpenApiParameter("q", OpenApiTypes.STR, description=_("Name or email address (required)."))


class PersonViewSet(APIViewSet):
    """One kind of person; the subclasses name it."""

    kind: str = ""
    write_access = {"export": access.Action.GDPR_EXPORT, "erase": access.Action.GDPR_ERASE}

    def access_action(self):
        # Reading what is held is already the GDPR tools: regional staff of the region.
        if self.action in ("list", "retrieve"):
            return access.Action.GDPR_EXPORT
        return super().access_action()

    def get_queryset(self):
        return access.visible(self.request.user, selectors.person_queryset(self.kind)).order_by("pk")

    def list(self, request, *args, **kwargs):
        if not access.can(request.user, access.Action.GDPR_EXPORT, Contact):
            raise exceptions.PermissionDenied
        query = request.query_params.get("q", "").replace("\x00", "").strip()[:200]
        found = {m.public_id for m in selectors.search_people(request.user, query) if m.kind == self.kind}
        people = self.get_queryset().filter(public_id__in=found)
        page = self.paginate_queryset(people)
        serializer = self.get_serializer(page if page is not None else people, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    @extend_schema(responses=PersonalDataHeldSerializer)
    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        subject = selectors.subject_for(person)
        data = {
            "id": person.public_id,
            "name": subject.label,
            "anonymised_at": person.anonymised_at,
            "legal_hold": selectors.holds(subject),
            "sections": [
                {"key": s.key, "title": s.title, "rows": len(s.rows)} for s in selectors.held_data(subject)
            ],
        }
        return Response(PersonalDataHeldSerializer(data).data)

    @extend_schema(
        request=PersonalDataExportRequestSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Everything held, by section."))},
    )
    @action(detail=True, methods=["post"])
    def export(self, request, public_id=None):
        person = self.get_object()
        PersonalDataExportRequestSerializer(data=request.data).is_valid(raise_exception=True)
        document = services.export_person(person=person, by=request.user, request=request)
        return Response(document, headers={"Cache-Control": "no-store"})

    @extend_schema(
        request=PersonalDataEraseRequestSerializer,
        responses={
            200: PersonalDataErasedSerializer,
            409: OpenApiResponse(description=_("Some of the person's data is on legal hold.")),
        },
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, public_id=None):
        person = self.get_object()
        expected = selectors.subject_for(person).label
        PersonalDataEraseRequestSerializer(data=request.data, context={"expected": expected}).is_valid(
            raise_exception=True
        )
        try:
            counts = services.erase_person(person=person, by=request.user, request=request)
        except services.ErasureBlocked as blocked:
            raise Conflict(
                _("Nothing was erased: %(held)s is on legal hold. Lift the hold first.")
                % {"held": ", ".join(blocked.held)}
            ) from None
        return Response({"erased": counts})


@extend_schema_view(
    list=extend_schema(summary=_("Find contact persons (GDPR tools)"), parameters=[_SEARCH]),
    retrieve=extend_schema(summary=_("What is held about a contact person")),
    export=extend_schema(summary=_("Export a contact person's data")),
    erase=extend_schema(summary=_("Erase a contact person's data")),
)
class ContactPersonViewSet(PersonViewSet):
    """Contact persons of companies in your regions, for the GDPR tools (regional staff only): what is held
    about one, its export, and its erasure (anonymisation that keeps the statistics)."""

    kind = selectors.PersonKind.CONTACT
    serializer_class = DataSubjectContactSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Find sole traders (GDPR tools)"), parameters=[_SEARCH]),
    retrieve=extend_schema(summary=_("What is held about a sole trader")),
    export=extend_schema(summary=_("Export a sole trader's data")),
    erase=extend_schema(summary=_("Erase a sole trader's data")),
)
class SoleTraderViewSet(PersonViewSet):
    """Sole traders (whose organisation number is the owner's personal identity number) in your regions,
    for the GDPR tools (regional staff only): what is held, the export, and the erasure."""

    kind = selectors.PersonKind.SOLE_TRADER
    serializer_class = DataSubjectSerializer
