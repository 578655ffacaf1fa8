"""Result records built from values the ledger has already typed, without validating them again."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)
_set = object.__setattr__


def record(cls: type[Model], values: dict[str, Any]) -> Model:
    """A result record from values the ledger already produced in the declared types.

    Validating them again would cost more than the scoring itself (pydantic checks
    every nested record); ``values`` must name every field, in declaration order.
    """
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    # Records are frozen, so one set of field names can serve every record of a class.
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    _set(obj, "__pydantic_fields_set__", fields)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_FIELDS: dict[type[BaseModel], set[str]] = {}
