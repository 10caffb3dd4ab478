"""The budget pages: thin views over ``presentation`` (reads) and ``services`` (edits)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insaf.budget import Budget, write_fdp
from insaf.web.budget import models as m
from insaf.web.budget import presentation as p
from insaf.web.budget import services
from insaf.web.budget.convert import budget_of
from insaf.web.budget.forms import AmountForm
from insaf.web.budget.incidence_view import gender_view, incidence_view
from insaf.web.core.language import page_language
from insaf.web.observatory.services import current_rules


def _budget(code: str) -> tuple[m.StoredBudget, Budget]:
    stored = get_object_or_404(m.StoredBudget, code=code)
    return stored, budget_of(stored)


def budget_list(request: HttpRequest) -> HttpResponse:
    budgets = list(m.StoredBudget.objects.all())
    if len(budgets) == 1:
        return redirect("budget:plan", code=budgets[0].code)
    return render(request, "budget/list.html", {"budgets": budgets})


def _common(stored: m.StoredBudget, budget: Budget) -> dict[str, object]:
    return {"stored": stored, "budget": budget, "years": budget.years, "can_edit": False}


def plan(request: HttpRequest, code: str) -> HttpResponse:
    stored, budget = _budget(code)
    rules = current_rules()
    language = page_language()
    last = max(budget.years) if budget.years else None
    spending = {
        r.key: r
        for r in (p.execution_rows(budget, by="programme", year=last, rules=rules) if last else [])
    }
    programmes = [
        (prog, prog.name.get(language), prog.objective.get(language), spending.get(prog.code))
        for prog in (budget.plan.programmes if budget.plan else ())
    ]
    goals = [
        (goal.name.get(language), [p.outcome(r, language) for r in goal.results])
        for goal in (budget.plan.goals if budget.plan else ())
    ]
    context = {
        **_common(stored, budget),
        "plan": budget.plan,
        "plan_name": budget.plan.name.get(language) if budget.plan else "",
        "programmes": programmes,
        "goals": goals,
        "last": last,
        "can_edit": services.may_edit(request.user),
    }
    return render(request, "budget/plan.html", context)


def programme(request: HttpRequest, code: str, programme: str) -> HttpResponse:
    stored, budget = _budget(code)
    found = p.programme_of(budget, programme)
    if found is None:
        raise Http404
    language = page_language()
    rules = current_rules()
    results = {r.code: r for r in budget.plan.results()} if budget.plan else {}
    outcomes = [p.outcome(results[c], language) for c in found.results if c in results]
    context = {
        **_common(stored, budget),
        "programme": found,
        "name": found.name.get(language),
        "objective": found.objective.get(language),
        "inputs": p.programme_inputs(budget, programme, rules=rules),
        "outputs": p.programme_outputs(stored, programme),
        "outcomes": outcomes,
    }
    return render(request, "budget/programme.html", context)


def execution(request: HttpRequest, code: str) -> HttpResponse:
    stored, budget = _budget(code)
    by = request.GET.get("by", "function")
    if by not in p.BY:
        by = "function"
    years = budget.years
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = max(years) if years else 0
    if year not in years:
        year = max(years) if years else 0
    rows = p.execution_rows(budget, by=by, year=year, rules=current_rules()) if years else []
    title = _("Approved and executed spending in %(year)s by %(by)s") % {
        "year": year,
        "by": p.by_name(by),
    }
    context = {
        **_common(stored, budget),
        "rows": rows,
        "by": by,
        "by_choices": [(b, p.by_name(b)) for b in p.BY],
        "year": year,
        "title": title,
        "chart": p.execution_chart(rows, title=title),
    }
    return render(request, "budget/execution.html", context)


def pefa(request: HttpRequest, code: str) -> HttpResponse:
    stored, budget = _budget(code)
    return render(
        request, "budget/pefa.html", {**_common(stored, budget), "view": p.pefa_view(budget)}
    )


def incidence(request: HttpRequest, code: str) -> HttpResponse:
    """Who receives public spending on education and health (benefit incidence)."""
    stored, budget = _budget(code)
    context = {**_common(stored, budget), "view": incidence_view(stored)}
    return render(request, "budget/incidence.html", context)


def gender(request: HttpRequest, code: str) -> HttpResponse:
    """Spending by gender marker, and who receives the cash transfers by sex."""
    stored, budget = _budget(code)
    view = gender_view(stored, budget, rules=current_rules())
    return render(request, "budget/gender.html", {**_common(stored, budget), "view": view})


@require_http_methods(["GET", "POST"])
def lines(request: HttpRequest, code: str) -> HttpResponse:
    """The budget's lines; a planning or finance focal point edits an amount here."""
    stored, budget = _budget(code)
    can_edit = services.may_edit(request.user)
    form = AmountForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            row = get_object_or_404(m.BudgetLine, pk=form.cleaned_data["line"], budget=stored)
            try:
                problems = services.set_amount(
                    actor=request.user,
                    line=row,
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except services.RuleError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Amount saved."))
                for problem in problems[:10]:
                    messages.warning(request, problem)
                return redirect(f"{request.path}?{request.GET.urlencode()}")
    rows = stored.lines.all()
    programme = request.GET.get("programme", "")
    if programme:
        rows = rows.filter(programme=programme)
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    context = {
        **_common(stored, budget),
        "rows": rows[:500],
        "count": rows.count(),
        "form": form,
        "can_edit": can_edit,
        "programme": programme,
        "year": year,
    }
    return render(request, "budget/lines.html", context)


def fdp(request: HttpRequest, code: str) -> HttpResponse:
    """The budget as a Fiscal Data Package (``datapackage.json`` and its CSV), zipped."""
    stored, budget = _budget(code)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        write_fdp(budget, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="insaf-budget-{stored.code}.zip"'
    return response
