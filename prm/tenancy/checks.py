"""System checks that keep the schema and the input paths tenant-safe (`manage.py check`, run in CI and by
tests/tenancy/test_checks.py).

- Every unique constraint and every B-tree index of a tenant table starts with `tenant` (Citus needs the
  distribution column in every unique key; a lookup inside a tenant starts with it anyway). Primary keys are
  exempt, and so are the indexes a module registers with `prm.modules.register_exempt_index`, with the reason.
- Every relation between two tenant tables is a `TenantForeignKey` (prm.tenancy.fields), and only those are.
- Every writable related field of a serializer or form that points to a tenant table is scoped: a
  `ScopedRelatedField` (resolved through the tenant-scoped manager per request) in serializers; in forms a
  class-level queryset that reads nothing (`Model.all_tenants.none()`), replaced by a scoped one in `__init__`.
"""

import importlib
import inspect
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.core.checks import Error
from django.db import models
from django.db.models.expressions import F
from django.urls import get_resolver
from django.utils.module_loading import module_has_submodule

from prm.modules import exempt_indexes
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel


def is_tenant_model(model):
    return isinstance(model, type) and issubclass(model, TenantModel)


def _starts_with_tenant(columns):
    first = columns[0] if columns else None
    if isinstance(first, F):
        first = first.name
    return isinstance(first, str) and first.lstrip("-") in ("tenant", "tenant_id")


def _index_columns(index):
    return list(index.fields) or list(index.expressions)


def _constraint_columns(constraint):
    return list(constraint.fields) or list(constraint.expressions)


def _schema_errors(model):
    label, table = model._meta.label, model._meta.db_table
    errors = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and not _starts_with_tenant(_constraint_columns(constraint)):
            errors.append(
                Error(
                    f"{label}: unique constraint {constraint.name} does not start with tenant.",
                    hint='Make it UniqueConstraint(fields=["tenant", ...]) (or "tenant" as its first expression).',
                    obj=model,
                    id="tenancy.E001",
                )
            )
    for together in model._meta.unique_together:
        if not _starts_with_tenant(list(together)):
            errors.append(
                Error(f"{label}: unique_together {together} does not start with tenant.", obj=model, id="tenancy.E001")
            )
    for index in model._meta.indexes:
        if (table, index.name) in exempt_indexes():
            continue
        is_checked_kind = isinstance(index, BrinIndex) or type(index) is models.Index  # B-tree (and BRIN)
        if is_checked_kind and not _starts_with_tenant(_index_columns(index)):
            errors.append(
                Error(
                    f"{label}: index {index.name} does not start with tenant.",
                    hint="Put tenant first, or register it with prm.modules.register_exempt_index and the reason.",
                    obj=model,
                    id="tenancy.E002",
                )
            )
    for field in model._meta.local_concrete_fields:
        if field.primary_key or field.name == "tenant":
            continue
        if field.unique:
            errors.append(
                Error(
                    f"{label}.{field.name}: a single-column unique key on a tenant table.",
                    hint='Use Meta.constraints = [UniqueConstraint(fields=["tenant", ...])].',
                    obj=field,
                    id="tenancy.E001",
                )
            )
        elif field.db_index:
            errors.append(
                Error(
                    f"{label}.{field.name}: a single-column index on a tenant table.",
                    hint=f'Set db_index=False and add Index(fields=["tenant", "{field.name}"]) where it is looked up.',
                    obj=field,
                    id="tenancy.E002",
                )
            )
    return errors


def _relation_errors(model):
    errors = []
    for field in model._meta.get_fields(include_hidden=True):
        if field.auto_created or not field.is_relation or field.model is not model:
            continue
        between_tenants = is_tenant_model(model) and is_tenant_model(field.related_model)
        label = f"{model._meta.label}.{field.name}"
        if field.many_to_many and between_tenants:
            errors.append(
                Error(
                    f"{label}: a many-to-many relation between tenant tables.",
                    hint="Use a through model that inherits TenantModel, with TenantForeignKeys to both sides.",
                    obj=field,
                    id="tenancy.E003",
                )
            )
        elif (field.many_to_one or field.one_to_one) and field.name != "tenant":
            if between_tenants and not isinstance(field, TenantForeignKey):
                errors.append(
                    Error(
                        f"{label}: a relation between tenant tables that is not a TenantForeignKey.",
                        hint="Use prm.tenancy.fields.TenantForeignKey (relations to Tenant and platform tables stay "
                        "plain).",
                        obj=field,
                        id="tenancy.E003",
                    )
                )
            elif isinstance(field, TenantForeignKey) and not between_tenants:
                errors.append(
                    Error(
                        f"{label}: a TenantForeignKey that does not join two tenant tables.",
                        obj=field,
                        id="tenancy.E004",
                    )
                )
    return errors


def check_models(models_to_check):
    errors = []
    for model in models_to_check:
        if model._meta.abstract or model._meta.proxy or not model._meta.managed:
            continue
        if is_tenant_model(model):
            errors.extend(_schema_errors(model))
        errors.extend(_relation_errors(model))
    return errors


def _tenant_target(relation):
    """The tenant model a related serializer field resolves ids in, or None."""
    queryset = getattr(relation, "queryset", None)
    model = queryset.model if queryset is not None else None
    return model if is_tenant_model(model) else None


def check_serializers(serializer_classes):
    from rest_framework import serializers

    from prm.api.fields import ScopedRelatedField

    errors = []
    for cls in serializer_classes:
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # a base class (prm.api.serializers.ModelSerializer), no model's serializer
        where = f"{cls.__module__}.{cls.__qualname__}"
        try:
            fields = cls().fields
        except Exception as error:  # a serializer that needs arguments to build its fields
            errors.append(Error(f"{where}: fields not checkable ({error!r}).", obj=cls, id="tenancy.E005"))
            continue
        for name, field in fields.items():
            relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if field.read_only or not isinstance(relation, serializers.RelatedField):
                continue
            model = None if isinstance(relation, ScopedRelatedField) else _tenant_target(relation)
            if model is not None:
                errors.append(
                    Error(
                        f"{where}.{name}: a writable relation to {model._meta.label} that is not scoped.",
                        hint="Use prm.api.fields.ScopedRelatedField(Model), or make the field read-only.",
                        obj=cls,
                        id="tenancy.E005",
                    )
                )
    return errors


def check_forms(form_classes):
    errors = []
    for cls in form_classes:
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled or field.queryset is None:
                continue
            if is_tenant_model(field.queryset.model) and not field.queryset.query.is_empty():
                errors.append(
                    Error(
                        f"{cls.__module__}.{cls.__qualname__}.{name}: a choice of "
                        f"{field.queryset.model._meta.label} from a queryset set at import time.",
                        hint="Declare queryset=Model.all_tenants.none() and set a scoped queryset in __init__.",
                        obj=cls,
                        id="tenancy.E006",
                    )
                )
    return errors


def _project_modules():
    """The names of this project's apps' modules (not installed packages')."""
    base = Path(settings.BASE_DIR).resolve()
    venv = base / ".venv"
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(venv):
            yield config


def _subclasses(root):
    seen, stack = [], [root]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def project_classes(root, submodule):
    """Every concrete subclass of `root` defined in this project, after importing each app's `submodule` and
    the URLconf (which imports the API and view modules)."""
    configs = list(_project_modules())
    for config in configs:
        if module_has_submodule(config.module, submodule):
            importlib.import_module(f"{config.name}.{submodule}")
    get_resolver().url_patterns  # noqa: B018 — imports every module the URLconf reaches
    prefixes = tuple(config.name + "." for config in configs)
    return [
        cls
        for cls in _subclasses(root)
        if cls.__module__.startswith(prefixes) and not inspect.isabstract(cls) and not cls.__name__.startswith("_")
    ]


def tenancy_check(app_configs=None, **kwargs):
    from rest_framework import serializers

    errors = check_models(apps.get_models(include_auto_created=True))
    errors += check_serializers(
        [c for c in project_classes(serializers.BaseSerializer, "api") if issubclass(c, serializers.Serializer)]
    )
    errors += check_forms(project_classes(forms.BaseForm, "forms"))
    return errors
