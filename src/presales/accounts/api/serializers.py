from rest_framework import serializers

from ..models import Team, User


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "display_name",
            "email",
            "title",
            "team",
            "roles",
            "presales_level",
            "career_track",
            "is_active",
        ]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "lead", "description"]
        read_only_fields = fields
