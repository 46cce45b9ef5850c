"""Input serializers copy their declared fields per instance without sharing
what each instance binds or reads."""

from __future__ import annotations

from rest_framework import serializers

from citymgmt.serializers import Input
from complaints.models import Category


class Filing(Input):
    name = serializers.CharField(max_length=4)
    kind = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    tags = serializers.ListField(child=serializers.CharField(max_length=3))


def test_each_instance_binds_its_own_copies_and_leaves_the_declared_fields_unbound():
    first, second = Filing(data={}), Filing(data={})
    for name in ("name", "kind", "tags"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
        assert first.fields[name].field_name == name
        assert Filing._declared_fields[name].parent is None
    # A list's child is bound to its own list, not to the declared one.
    assert first.fields["tags"].child.parent is first.fields["tags"]


def test_instances_made_one_after_another_validate_independently():
    bad = Filing(data={"name": "toolong", "kind": "c", "tags": ["abcd"]})
    good = Filing(data={"name": "ok", "kind": "b", "tags": ["x", "y"]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"name", "kind", "tags"}
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "ok", "kind": "b", "tags": ["x", "y"]}
    again = Filing(data={"name": "toolong", "kind": "a", "tags": []})
    assert not again.is_valid()
    assert set(again.errors) == {"name"}


class Tagged(Input):
    kinds = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Category.objects.all()
    )


def test_a_many_related_fields_child_is_bound_to_the_instances_own_copy():
    first, second = Tagged(data={}), Tagged(data={})
    kinds = first.fields["kinds"]
    assert kinds is not second.fields["kinds"]
    assert kinds.child_relation.parent is kinds
    assert second.fields["kinds"].child_relation.parent is second.fields["kinds"]
