"""What a lead maintains about a service is listed once (`referrals.services.SERVICE_FIELDS`): the form,
the admin's form and the API's serializer are built from that list, so a new field cannot reach one and
miss another."""

from referrals import admin, services
from referrals.api import catalogue as api
from referrals.forms import catalogue as forms


def test_the_service_field_list_exists_once():
    fields = services.SERVICE_FIELDS
    assert list(forms.ServiceForm.Meta.fields) == list(fields)
    assert forms.ServiceForm.Meta.fields is fields
    assert admin.ServiceAdminForm.Meta.fields == ["organisation", *fields]
    serializer_fields = api.ServiceSerializer.Meta.fields
    assert [name for name in serializer_fields if name in fields] == list(fields)
    assert set(serializer_fields) - set(fields) == {
        "id",
        "organisation",
        "version",
        "created_at",
        "updated_at",
    }
