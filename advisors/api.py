from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import User


class MeSerializer(serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "organisation", "role", "preferred_language"]


@extend_schema(responses=MeSerializer, summary="The signed-in user")
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)
