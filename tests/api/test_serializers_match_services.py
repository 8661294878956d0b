"""Serializers and services agree on what is required: for every API viewset on the router, the
create/update service that `create_object` / `update_object` calls with the validated data (`**data`)
gets every required keyword-only argument it has, either as a keyword the viewset passes itself or
as a field the serializer requires (on create; on update every such argument has a default, since
a PATCH sends only what changes). Otherwise a client that follows the schema meets a TypeError (500).

The pairs are found by walking the router's viewsets and reading the calls in `create_object` /
`update_object` (ast), resolved in the viewset module's globals (`services.x(...)`) or on the class
(`type(self).create_service(...)`)."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest


def _router_viewsets():
    from presales.core.api_urls import router

    seen = {}
    for prefix, viewset, basename in router.registry:
        seen.setdefault(viewset, basename)
    return seen


def _called_services(viewset, method_name: str):
    """[(service function, explicit keyword names, passes **data)] called in the method."""
    method = getattr(viewset, method_name, None)
    if method is None or getattr(method, "__qualname__", "").startswith("WritableScopedViewSet."):
        return []
    func = inspect.unwrap(method)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = None
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            owner = func.__globals__.get(f.value.id)
            target = getattr(owner, f.attr, None) if inspect.ismodule(owner) else None
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call):  # type(self).create_service
            target = getattr(viewset, f.attr, None)
        elif isinstance(f, ast.Name):
            target = func.__globals__.get(f.id)
        if not inspect.isfunction(target) or ".services" not in getattr(target, "__module__", ""):
            continue
        explicit = {k.arg for k in node.keywords if k.arg}
        # `**{self.service_arg: instance}`: the record's argument, its name an attribute of the class
        for k in node.keywords:
            if k.arg is None and isinstance(k.value, ast.Dict):
                for key in k.value.keys:
                    if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id == "self":
                        explicit.add(getattr(viewset, key.attr))
                    elif isinstance(key, ast.Constant):
                        explicit.add(key.value)
        splat = any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == "data" for k in node.keywords)
        found.append((target, explicit, splat))
    return found


def _serializer_fields(viewset, action: str):
    view = viewset()
    view.action = action
    view.request = None
    view.format_kwarg = None
    view.kwargs = {}
    cls = view.get_serializer_class()
    serializer = cls(context={"request": None, "view": view})
    fields = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        fields[field.source if field.source not in ("*", None) else name] = field
    return fields


def _required_kwonly(service):
    return {
        name
        for name, p in inspect.signature(service).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }


def _pairs():
    pairs = []
    for viewset, basename in _router_viewsets().items():
        for method_name, action in (("create_object", "create"), ("update_object", "partial_update")):
            for service, explicit, splat in _called_services(viewset, method_name):
                if splat:
                    pairs.append((basename, action, viewset, service, explicit))
    return pairs


@pytest.mark.django_db
def test_the_pairs_are_found():
    pairs = _pairs()
    names = {(basename, service.__name__) for basename, _, _, service, _ in pairs}
    assert ("talent-training", "training_create") in names
    assert ("customer", "customer_create") in names
    assert ("technical-issue", "technical_issue_create") in names
    assert len(pairs) > 40, len(pairs)


@pytest.mark.django_db
def test_every_required_service_argument_is_a_required_field_or_has_a_default():
    problems = []
    for basename, action, viewset, service, explicit in _pairs():
        fields = _serializer_fields(viewset, action)
        for name in sorted(_required_kwonly(service) - explicit - {"actor"}):
            field = fields.get(name)
            if action == "partial_update":
                problems.append(f"{basename} {action}: {service.__name__}({name}=...) has no default, "
                                f"but a PATCH may leave it out")
            elif field is None:
                problems.append(f"{basename} {action}: {service.__name__} requires {name!r}, "
                                f"which the serializer does not accept")
            elif not field.required and getattr(field, "default", None) is _empty():
                problems.append(f"{basename} {action}: {service.__name__} requires {name!r}, "
                                f"optional in the serializer (no default)")
    assert not problems, "\n".join(problems)


def _empty():
    from rest_framework.fields import empty

    return empty
