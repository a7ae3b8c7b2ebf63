"""The company register's REST API: companies and their contact persons.

Serializers only validate and render; every write goes through `companies.services`, and every access
decision comes from `advisors.access`. Companies are merged, never deleted, so there is no DELETE.
A service's ValidationError answers 400 and a stale version 412 through the API's exception handler
(`exportcenter.api.problems`).
"""

import uuid

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from advisors import access
from advisors.models import Organisation, User
from exportcenter import row_urls
from exportcenter.api import concurrency
from exportcenter.api.base import APIViewSet, ValidatingSerializer, VersionedViewSet
from exportcenter.api.problems import Conflict, ProblemSerializer
from reference.countries import HOME_COUNTRY
from reference.models import Municipality

from . import importing, selectors, services
from .filters import CompanyFilter
from .forms import TargetMarketsField
from .identifiers import LegalForm, parse_organisation_number
from .models import EDITABLE_FIELDS, INTERNATIONAL_FLAGS, Company, CompanyImport, CompanySource, Contact
from .phones import normalise_phone

# --- Errors ---------------------------------------------------------------------------------------


def duplicate_conflict(user, duplicate: services.DuplicateCompany) -> Conflict:
    """409; the existing company is named only to those who may see it (a sole trader's name is personal)."""
    existing = duplicate.existing
    if not access.can(user, access.Action.VIEW, existing):
        message = _("This organisation number is registered by another export center.")
        return Conflict(message, code="duplicate", errors={"org_number": [message]})
    message = _("A company with this organisation number is already registered.")
    return Conflict(
        message,
        code="duplicate",
        errors={"org_number": [message]},
        existing={"id": str(existing.public_id), "name": existing.name},
    )


class ExistingCompanySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class DuplicateCompanyProblemSerializer(ProblemSerializer):
    """A 409: the organisation number is registered already."""

    existing = ExistingCompanySerializer(
        required=False, help_text=_("The registered company to go to instead (if you may see it).")
    )


DUPLICATE = OpenApiResponse(
    DuplicateCompanyProblemSerializer,
    description=_("The organisation number is already registered; `existing` is that company."),
)


# --- Companies ------------------------------------------------------------------------------------

_UNCHANGED = object()


class OrganisationNumberField(serializers.CharField):
    """Accepts every common way of writing the number; shows `NNNNNN-NNNN`.

    A sole trader's number is a personal identity number: it is masked unless the user may see
    personal data of this company.
    """

    def get_attribute(self, instance):
        return instance

    def to_representation(self, company):
        if not company.org_number:
            return None
        if company.is_sole_trader:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            if not access.can(user, access.Action.VIEW_PERSONAL_DATA, company):
                return company.org_number_masked
        return company.org_number_display

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        if isinstance(instance, Company) and instance.org_number and text == instance.org_number_masked:
            return _UNCHANGED  # a masked number sent back as read
        try:
            return parse_organisation_number(text)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None


@extend_schema_field(OpenApiTypes.URI)
class DetailPageField(serializers.Field):
    """The company's page in the advisor interface.

    A list reverses the URL once (exportcenter.row_urls): `reverse` and `build_absolute_uri` for every row
    were a sixth of a page of the API's companies."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)
        self._url = None

    def to_representation(self, company):
        if self._url is None:
            self._url = row_urls.per_row("companies:detail", absolute_for=self.context.get("request"))
        return self._url(company.public_id)


@extend_schema_field(
    {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code", "example": "DE"}
)
class CountryCodeField(CountryField):
    """A country by its ISO code. Documented as a pattern: two lists with the same enum confuse the schema.

    A stored country is written as its code directly (the model field keeps validated alpha-2 codes), not
    looked up again in the country list for every market of every row."""

    def to_representation(self, obj):
        return obj.code if isinstance(obj, Country) else super().to_representation(obj)


class CompanyAPIFilter(CompanyFilter):
    """`CompanyFilter`, with the target market's type spelt out for the OpenAPI schema."""

    @extend_schema_field(CountryCodeField())
    def filter_target_market(self, queryset, name, value):
        return super().filter_target_market(queryset, name, value)


class CompanySerializer(ValidatingSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    org_number = OrganisationNumberField(
        allow_null=True,
        help_text=_(
            "Write it any common way: 556677-8899, 5566778899, 16556677-8899 or a sole trader's "
            "personal identity number. Shown as NNNNNN-NNNN; a sole trader's number is masked unless "
            "you may see personal data. null: the company is not registered yet."
        ),
    )
    county = serializers.CharField(
        source="county_id", read_only=True, help_text=_("The county code, from the municipality.")
    )
    export_countries = serializers.ListField(
        child=CountryCodeField(), required=False, help_text=_("ISO 3166-1 alpha-2 codes.")
    )
    target_markets = serializers.ListField(
        child=CountryCodeField(), required=False, help_text=_("ISO 3166-1 alpha-2 codes.")
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Increases with every change. To update, send back the version you read (or use If-Match)."
        ),
    )
    url = DetailPageField(help_text=_("The company's page in the advisor interface."))
    flags_source_note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_(
            "The source of the signs of international business (for example the annual report 2025). "
            "Sending one confirms the signs as they are after this change, by an advisor, today; a change "
            "of the signs without one is recorded but unconfirmed and does not count toward the goals."
        ),
    )

    class Meta:
        model = Company
        fields = [
            "id",
            *EDITABLE_FIELDS,
            "flags_source",
            "flags_source_note",
            "flags_confirmed_on",
            "international_confirmed_on",
            "legal_form",
            "county",
            "source",
            "version",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = [
            "flags_source",
            "flags_confirmed_on",
            "international_confirmed_on",
            "legal_form",
            "source",
            "created_at",
            "updated_at",
        ]
        # Uniqueness is the services' job (DuplicateCompany), not a pre-check that races.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["responsible_organisation"].queryset = Organisation.objects.active()
        if user is not None and user.is_authenticated:
            # A company outside the user's counties would vanish from their register once saved.
            self.fields["municipality"].queryset = Municipality.objects.filter(
                county_id__in=access.county_ids(user)
            )
        self.fields["responsible_advisor"].queryset = access.visible(
            user, User.objects.filter(is_active=True)
        )

    def validate_export_countries(self, codes):
        return list(dict.fromkeys(codes))

    def validate_target_markets(self, codes):
        if HOME_COUNTRY in codes:  # as in the forms (companies/forms.py: TargetMarketsField)
            raise serializers.ValidationError(TargetMarketsField.default_error_messages["home_country"])
        return list(dict.fromkeys(codes))

    def validate(self, attrs):
        if "org_number" in attrs:
            number = attrs.pop("org_number")
            if number is not _UNCHANGED:
                attrs["org_number"] = number.digits if number else None
                attrs["legal_form"] = number.legal_form if number else LegalForm.UNREGISTERED
        errors = {}
        for name, _label in INTERNATIONAL_FLAGS:
            date_name = f"{name}_confirmed_on"
            if attrs.get(name) is False and date_name not in attrs:
                attrs[date_name] = None  # switching a sign off forgets when it was confirmed
            flag = attrs.get(name, getattr(self.instance, name, False))
            confirmed_on = attrs.get(date_name, getattr(self.instance, date_name, None))
            if confirmed_on and not flag:
                errors[date_name] = [_("Set %(flag)s to true, or leave the date empty.") % {"flag": name}]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def service_data(serializer) -> dict:
    data = dict(serializer.validated_data)
    data.pop("version", None)
    return data


UPDATE_RESPONSES = {200: CompanySerializer, 409: DUPLICATE}


class MergeSerializer(serializers.Serializer):
    duplicate = serializers.UUIDField(
        help_text=_(
            "The id of the duplicate. Everything it has moves to this company, and it stays behind as a "
            "pointer to this one."
        )
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version of this company you read (or use If-Match)."),
    )


class MergeResultSerializer(serializers.Serializer):
    company = CompanySerializer(help_text=_("This company after the merge."))
    moved = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("How many rows of each kind moved from the duplicate.")
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("List companies"),
        description=_("The companies of your regions, filtered and sorted like the company list."),
    ),
    retrieve=extend_schema(summary=_("Show a company")),
    create=extend_schema(
        summary=_("Register a company"),
        responses={201: CompanySerializer, 409: DUPLICATE},
    ),
    update=extend_schema(summary=_("Change a company"), responses=UPDATE_RESPONSES),
    partial_update=extend_schema(summary=_("Change some fields of a company"), responses=UPDATE_RESPONSES),
)
class CompanyViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    """The shared company register. Companies are merged, never deleted."""

    serializer_class = CompanySerializer
    audit_reads = True
    write_access = {**VersionedViewSet.write_access, "merge": access.Action.MERGE}
    versioned_actions = ("update", "partial_update", "merge")
    filterset_class = CompanyAPIFilter

    def get_queryset(self):
        return selectors.visible_companies(self.request.user).select_related(*selectors.COMPANY_LIST_RELATED)

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.CREATE, Company)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            company = services.register_company(
                by=request.user, data=service_data(serializer), source=CompanySource.ADVISOR
            )
        except services.DuplicateCompany as duplicate:
            raise duplicate_conflict(request.user, duplicate) from None
        return self.respond(company, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        company = self.get_object()  # 404 outside the user's regions, 403 without "change"
        version = self.required_version(company)
        serializer = self.get_serializer(company, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            company = services.update_company(
                company=company, by=request.user, data=service_data(serializer), expected_version=version
            )
        except services.DuplicateCompany as duplicate:
            raise duplicate_conflict(request.user, duplicate) from None
        return self.respond(company)

    @extend_schema(
        summary=_("Merge a duplicate into a company"),
        description=_(
            "As on the company's page: regional staff merge two companies of their regions. Contacts, "
            "requests, activities and the rest move to this company; its empty fields are filled from the "
            "duplicate. Needs the version of this company you read."
        ),
        request=MergeSerializer,
        responses={200: MergeResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, public_id=None):
        company = self.get_object()  # 404 outside the user's regions, 403 without "merge"
        version = self.required_version(company)
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duplicate = self.get_queryset().filter(public_id=serializer.validated_data["duplicate"]).first()
        if duplicate is None:
            raise serializers.ValidationError(
                {"duplicate": [_("There is no company with this id that you may see.")]}
            )
        access.require(request.user, access.Action.MERGE, duplicate)
        result = services.merge_companies(
            survivor=company, duplicate=duplicate, by=request.user, expected_version=version
        )
        survivor = self.get_queryset().get(pk=result.survivor.pk)
        return Response(
            {
                "company": self.get_serializer(survivor).data,
                "moved": dict(result.moved),
            },
            headers={"ETag": concurrency.etag(survivor)},
        )


# --- Contacts -------------------------------------------------------------------------------------


class CompanyReferenceField(serializers.SlugRelatedField):
    """A company by its public id, among the companies the user may see."""

    default_error_messages = {
        "does_not_exist": _("There is no company with this id that you may see."),
        "invalid": _("Enter the company's id (a UUID)."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def to_internal_value(self, data):
        try:
            uuid.UUID(str(data))
        except (TypeError, ValueError, AttributeError):
            self.fail("invalid")
        return super().to_internal_value(data)


class ContactFilter(django_filters.FilterSet):
    company = django_filters.UUIDFilter(
        field_name="company__public_id", label=_("Company"), help_text=_("The company's id.")
    )

    class Meta:
        model = Contact
        fields = ["company"]


class ContactSerializer(ValidatingSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = CompanyReferenceField(
        queryset=Company.objects.none(), help_text=_("The company's id. Cannot be changed later.")
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "company",
            "name",
            "title",
            "email",
            "phone",
            "preferred_language",
            "is_primary",
            "legal_basis",
            "consent_given_on",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]
        extra_kwargs = {
            "phone": {
                "help_text": _(
                    "Stored in E.164 (+46701234567); Swedish numbers may be written 070-123 45 67."
                )
            }
        }
        # The services turn the database constraints into field errors.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["company"].queryset = selectors.visible_companies(getattr(request, "user", None))
        if isinstance(self.instance, Contact):
            self.fields["company"].required = False

    def validate_company(self, company):
        if isinstance(self.instance, Contact) and company.pk != self.instance.company_id:
            raise serializers.ValidationError(_("A contact person cannot move to another company."))
        return company

    def validate_phone(self, value):
        try:
            return normalise_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None

    def validate(self, attrs):
        legal_basis = attrs.get("legal_basis", getattr(self.instance, "legal_basis", None))
        consent_given_on = attrs.get("consent_given_on", getattr(self.instance, "consent_given_on", None))
        if legal_basis == Contact.LegalBasis.CONSENT and not consent_given_on:
            raise serializers.ValidationError(
                {"consent_given_on": [_("Enter the date when consent was given.")]}, code="required"
            )
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary=_("List contact persons"), description=_("Contacts of the companies you may see.")
    ),
    retrieve=extend_schema(summary=_("Show a contact person")),
    create=extend_schema(summary=_("Add a contact person")),
    update=extend_schema(summary=_("Change a contact person")),
    partial_update=extend_schema(summary=_("Change some fields of a contact person")),
)
class ContactViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, APIViewSet):
    """Contact persons of companies: personal data, so the legal basis is always recorded."""

    serializer_class = ContactSerializer
    audit_reads = True
    filterset_class = ContactFilter

    def get_queryset(self):
        return access.visible(self.request.user, Contact.objects.select_related("company"))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        company = data.pop("company")
        access.require(request.user, access.Action.CREATE, Contact(company=company))
        contact = services.add_contact(
            company=company, by=request.user, data={**data, "source": CompanySource.ADVISOR}
        )
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("company", None)
        contact = services.update_contact(contact=contact, by=request.user, data=data)
        return Response(self.get_serializer(contact).data)


# --- CSV import -----------------------------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "A CSV file in UTF-8 (comma or semicolon separated) with the template's columns; at most 2 MB."
        )
    )


class ImportApplySerializer(serializers.Serializer):
    valid_only = serializers.BooleanField(
        default=False,
        help_text=_(
            "true: import the valid rows and skip those with errors. false: one invalid row refuses the file."
        ),
    )


class CompanyImportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    summary = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("Once applied: how many rows created, updated, left unchanged or skipped for errors."),
    )

    class Meta:
        model = CompanyImport
        fields = ["id", "filename", "status", "summary", "created_at", "applied_at"]
        read_only_fields = fields


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("The line in the file."))
    action = serializers.ChoiceField(
        choices=[importing.CREATE, importing.UPDATE, importing.UNCHANGED, importing.ERROR],
        help_text=_("What applying the row would do."),
    )
    company = serializers.SerializerMethodField(help_text=_("The registered company the row updates."))
    changed_fields = serializers.ListField(child=serializers.CharField())
    adds_contact = serializers.BooleanField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("The errors of the row: each column maps to messages."),
    )

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_company(self, row):
        return str(row.company.public_id) if row.company is not None else None


class ImportPreviewSerializer(serializers.Serializer):
    """The dry run: what applying the file would do, row by row. Nothing is written."""

    import_ = CompanyImportSerializer(source="company_import", help_text=_("The uploaded file."))
    header_errors = serializers.ListField(child=serializers.CharField(), source="preview.header_errors")
    counts = serializers.DictField(child=serializers.IntegerField(), source="preview.counts")
    can_apply_all = serializers.BooleanField(source="preview.can_apply_all")
    rows = ImportRowSerializer(many=True, source="preview.rows")

    def get_fields(self):
        fields = super().get_fields()
        fields["import"] = fields.pop("import_")
        return fields


ALREADY_APPLIED = OpenApiResponse(ProblemSerializer, description=_("This file has already been imported."))


@extend_schema_view(
    list=extend_schema(summary=_("List your company imports"), description=_("The CSV files you uploaded.")),
    retrieve=extend_schema(
        summary=_("Preview a company import (dry run)"),
        description=_(
            "Validates the file again against the register as it is now and says what applying it would "
            "do, row by row. Writes nothing."
        ),
        responses=ImportPreviewSerializer,
    ),
    create=extend_schema(
        summary=_("Upload a CSV file of companies (dry run)"),
        description=_(
            "Stores the file and answers with the preview: nothing is written to the register until the "
            "import is applied. The columns are those of the import page's template."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportPreviewSerializer},
    ),
    apply=extend_schema(
        summary=_("Apply a company import"),
        description=_(
            "Validates the file again and writes it in one transaction, all or nothing: with errors in "
            "some rows, the file is refused unless `valid_only` is true. A file is applied once."
        ),
        request=ImportApplySerializer,
        responses={200: CompanyImportSerializer, 409: ALREADY_APPLIED},
    ),
)
class CompanyImportViewSet(mixins.CreateModelMixin, APIViewSet):
    """The CSV import of the company register: upload (a dry run), preview again, apply."""

    serializer_class = CompanyImportSerializer
    parser_classes = [JSONParser, MultiPartParser]
    write_access = {"apply": access.Action.CHANGE}

    def get_queryset(self):
        return access.visible(self.request.user, CompanyImport.objects.all())

    def _preview(self, company_import, *, status_code=status.HTTP_200_OK):
        preview = importing.preview_import(company_import.content, user=self.request.user)
        data = ImportPreviewSerializer({"company_import": company_import, "preview": preview}).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._preview(self.get_object())

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.IMPORT, Company)
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            filename, text = importing.read_upload(serializer.validated_data["file"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        company_import = CompanyImport.objects.create(
            filename=filename, content=text, created_by=request.user
        )
        return self._preview(company_import, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def apply(self, request, public_id=None):
        company_import = self.get_object()
        access.require(request.user, access.Action.IMPORT, Company)
        serializer = ImportApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            importing.apply_import(
                company_import=company_import,
                by=request.user,
                valid_only=serializer.validated_data["valid_only"],
            )
        except DjangoValidationError as error:
            if getattr(error, "code", None) == "applied":
                raise Conflict(error.messages[0], code="applied") from None
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages}) from None
        return Response(CompanyImportSerializer(company_import).data)
