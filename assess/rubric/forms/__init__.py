"""The deduction and award forms, one module each, and their registry.

A ruleset names a form by the one key of a rule's ``deduct`` or ``award`` mapping. The
registry is filled here, explicitly, in the order forms are offered in messages; a form
from elsewhere (a county's own, or a test's) is added with :func:`register` before the
ruleset that uses it is loaded.
"""

from __future__ import annotations

from assess.errors import RulesetError
from assess.i18n import _
from assess.rubric.forms.base import Amount, AmountContext, CheckBuilder, Expression, Form, FormKind, FormSpec
from assess.rubric.forms.fixed import Fixed
from assess.rubric.forms.graded import GradedForm
from assess.rubric.forms.honors import Honors
from assess.rubric.forms.per import Per
from assess.rubric.forms.range import Range
from assess.rubric.forms.shortfall import Shortfall
from assess.rubric.forms.tiers import Tiers

FORMS: dict[str, Form] = {}


def register(form: Form) -> None:
    """Add a form; a name is registered once."""
    if form.name in FORMS:
        raise RulesetError(_("deduction form {name!r} is registered twice").format(name=form.name))
    FORMS[form.name] = form


def names(kind: FormKind) -> list[str]:
    """The forms a rule of that kind may use, in registry order."""
    return [name for name, form in FORMS.items() if kind in form.kinds]


for _form in (Fixed(), Per(), GradedForm(), Shortfall(), Tiers(), Range(), Honors()):
    register(_form)

__all__ = ["FORMS", "Amount", "AmountContext", "CheckBuilder", "Expression", "Form", "FormKind", "FormSpec",
           "names", "register"]
