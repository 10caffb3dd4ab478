"""Observatory services: every change to the observatory goes through here.

Each function takes the acting user (``actor``, ``None`` for the system, such
as the demo loader), runs in one transaction and writes an audit event.
Disclosure control is applied in ``publish`` *before* anything is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction

from insaf.observatory import (
    Catalogue,
    DisclosureReport,
    DisclosureRules,
    Flag,
    Observation,
    Target,
    apply_disclosure,
    assess,
)
from insaf.observatory.indicators import INDICATOR_TEXTS, Direction
from insaf.observatory.observations import parse_key
from insaf.observatory.search import search_text
from insaf.web.core import versions
from insaf.web.core.services import record, snapshot
from insaf.web.observatory import models as m

__all__ = [
    "current_rules",
    "dimension_codes",
    "publish",
    "published_observations",
    "recompute_progress",
    "set_disclosure_policy",
    "set_target",
    "stored_observations",
    "sync_catalogue",
]

Actor = AbstractBaseUser | AnonymousUser | None
_BATCH = 2000


def current_rules() -> DisclosureRules:
    policy = m.DisclosurePolicy.objects.first()
    if policy is None:
        return DisclosureRules()
    return DisclosureRules(
        min_count=policy.min_count,
        cv_caution=policy.cv_caution,
        cv_suppress=policy.cv_suppress,
        secondary=policy.secondary,
    )


def _bilingual(item: Any, *names: str) -> dict[str, str]:
    """Each text ``name`` of a catalogue item (a ``TextSpec``) as the fields ``<name>_en`` and
    ``<name>_ar`` of its row."""
    out: dict[str, str] = {}
    for name in names:
        text = getattr(item, name)
        out[f"{name}_en"], out[f"{name}_ar"] = text.en, text.ar
    return out


def _indicator_fields(catalogue: Catalogue, position: int, code: str) -> dict[str, Any]:
    ind = catalogue.indicator(code)
    fields: dict[str, Any] = {"position": position, **_bilingual(ind, *INDICATOR_TEXTS)}
    fields.update(
        sdg=", ".join(ind.sdg),
        rights=ind.rights.value,
        direction=ind.direction.value,
        decimals=ind.decimals,
        headline=ind.headline,
        target_value=ind.target.value if ind.target else None,
        target_year=ind.target.year if ind.target else None,
        baseline_year=ind.target.baseline_year if ind.target else None,
        breakdowns=["+".join(b) for b in ind.breakdowns],
        computation=ind.compute.model_dump(mode="json") if ind.compute else None,
    )
    fields["search_text"] = search_text(
        [code, ind.sdg and " ".join(ind.sdg)]
        + [getattr(ind, n).en for n in ("name", "definition", "agency")]
        + [getattr(ind, n).ar for n in ("name", "definition", "agency")]
    )
    return fields


def sync_catalogue(*, actor: Actor, catalogue: Catalogue) -> dict[str, int]:
    """Create or update dimensions, indicators and frameworks from a catalogue."""
    counts = {"created": 0, "changed": 0}
    with transaction.atomic():
        for position, dim in enumerate(catalogue.dimensions):
            dimension, _ = m.Dimension.objects.update_or_create(
                code=dim.code,
                defaults={**_bilingual(dim, "name"), "sdmx": dim.sdmx_id, "position": position},
            )
            for cat_position, category in enumerate(dim.categories):
                m.Category.objects.update_or_create(
                    dimension=dimension,
                    code=category.code,
                    defaults={**_bilingual(category, "name"), "position": cat_position},
                )
        indicators: dict[str, m.Indicator] = {}
        for position, ind in enumerate(catalogue.indicators):
            fields = _indicator_fields(catalogue, position, ind.code)
            existing = m.Indicator.objects.filter(code=ind.code).first()
            before = snapshot(existing) if existing else None
            obj, created = m.Indicator.objects.update_or_create(code=ind.code, defaults=fields)
            indicators[ind.code] = obj
            after = snapshot(obj)
            _count_change(actor, counts, "indicator", "indicator", ind.code, created, before, after)
        for position, fw in enumerate(catalogue.frameworks):
            framework, _ = m.Framework.objects.update_or_create(
                code=fw.code,
                defaults={**_bilingual(fw, "name", "description"), "position": position},
            )
            framework.nodes.all().delete()
            parents: dict[int, m.Node] = {}
            for node_position, (depth, node) in enumerate(fw.walk()):
                obj_node = m.Node.objects.create(
                    framework=framework,
                    parent=parents.get(depth - 1) if depth else None,
                    code=node.code,
                    kind=node.kind,
                    **_bilingual(node, "name"),
                    depth=depth,
                    position=node_position,
                )
                parents[depth] = obj_node
                obj_node.indicators.set([indicators[c] for c in node.indicators])
        _sync_rights(actor=actor, catalogue=catalogue, indicators=indicators, counts=counts)
        _sync_context(actor=actor, catalogue=catalogue, counts=counts)
        record(
            actor=actor,
            action="catalogue.sync",
            object_type="catalogue",
            object_id=catalogue.area,
            summary=f"{len(catalogue.indicators)} indicators, "
            f"{len(catalogue.frameworks)} frameworks",
            after=counts,
        )
    return counts


def _sync_rights(
    *,
    actor: Actor,
    catalogue: Catalogue,
    indicators: dict[str, m.Indicator],
    counts: dict[str, int],
) -> None:
    """Create or update the catalogue's rights and which indicators monitor each."""
    for position, right in enumerate(catalogue.human_rights):
        fields: dict[str, Any] = {
            **_bilingual(right, "name"),
            "treaty": right.treaty,
            "article": right.article,
            "facts": [fact.model_dump(mode="json") for fact in right.facts],
            "spending": right.spending.model_dump(mode="json") if right.spending else None,
            "position": position,
        }
        existing = m.HumanRight.objects.filter(code=right.code).first()
        before = _right_snapshot(existing) if existing else None
        obj, created = m.HumanRight.objects.update_or_create(code=right.code, defaults=fields)
        obj.indicators.set(
            [indicators[i.code] for i in catalogue.indicators if right.code in i.human_rights]
        )
        after = _right_snapshot(obj)
        _count_change(actor, counts, "right", "human_right", right.code, created, before, after)


def _sync_context(*, actor: Actor, catalogue: Catalogue, counts: dict[str, int]) -> None:
    """Store the catalogue's population and prices (a series it no longer has is removed)."""
    for code in m.ContextSeries.Code:
        series = getattr(catalogue, code.value)
        existing = m.ContextSeries.objects.filter(code=code.value).first()
        before = snapshot(existing) if existing else None
        if series is None:
            if existing is not None:
                existing.delete()
                counts["changed"] += 1
                record(
                    actor=actor,
                    action="context.delete",
                    object_type="context_series",
                    object_id=code.value,
                    before=before,
                )
            continue
        obj, created = m.ContextSeries.objects.update_or_create(
            code=code.value, defaults={"series": series.model_dump(mode="json")}
        )
        after = snapshot(obj)
        _count_change(
            actor, counts, "context", "context_series", code.value, created, before, after
        )


def _count_change(
    actor: Actor,
    counts: dict[str, int],
    noun: str,
    object_type: str,
    code: str,
    created: bool,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Count a created or changed object and audit it (``right.create``, ``indicator.change``)."""
    if created or before != after:
        counts["created" if created else "changed"] += 1
        record(
            actor=actor,
            action=f"{noun}.create" if created else f"{noun}.change",
            object_type=object_type,
            object_id=code,
            before=before,
            after=after,
        )


def _right_snapshot(right: m.HumanRight) -> dict[str, Any]:
    return {
        **snapshot(right, exclude=("indicators",)),
        "indicators": sorted(right.indicators.values_list("code", flat=True)),
    }


def _row(obs: Observation, indicator_id: int) -> m.Observation:
    return m.Observation(
        indicator_id=indicator_id,
        period=obs.period,
        area=obs.area,
        breakdown=obs.breakdown,
        key=obs.key,
        value=obs.value,
        se=obs.se,
        ci_low=obs.ci_low,
        ci_high=obs.ci_high,
        n=obs.n,
        flags=";".join(sorted(f.value for f in obs.flags)),
        suppressed=obs.is_suppressed,
    )


def publish(
    *, actor: Actor, observations: Iterable[Observation], source: str, survey: str = ""
) -> DisclosureReport:
    """Apply disclosure control, then store the observations for publication.

    ``survey`` names the survey computed when it can be opened again (a
    ``SurveyRef`` key: the council's impact statements offer it).

    A batch replaces, for each (indicator, area, period) it contains, every
    stored cell of that table: disclosure control (with secondary suppression)
    needs whole tables.
    """
    cells, report = apply_disclosure(observations, current_rules())
    codes = sorted({c.indicator for c in cells})
    ids = dict(m.Indicator.objects.filter(code__in=codes).values_list("code", "id"))
    missing = [c for c in codes if c not in ids]
    if missing:
        raise ValueError(f"unknown indicators: {', '.join(missing)}")
    tables: dict[tuple[int, str], set[int]] = defaultdict(set)
    for cell in cells:
        tables[(ids[cell.indicator], cell.area)].add(cell.period)
    with transaction.atomic():
        for (indicator_id, area), periods in tables.items():
            m.Observation.objects.filter(
                indicator_id=indicator_id, area=area, period__in=sorted(periods)
            ).delete()
        rows = [_row(c, ids[c.indicator]) for c in cells]
        for start in range(0, len(rows), _BATCH):
            m.Observation.objects.bulk_create(rows[start : start + _BATCH])
        m.Release.objects.create(
            by=actor if isinstance(actor, User) else None,
            source=source[:300],
            survey=survey,
            cells=report.cells,
            published=report.published,
            caution=report.caution,
            suppressed_primary=report.primary,
            suppressed_secondary=report.secondary,
        )
        recompute_progress(indicator_ids=sorted(ids.values()))
        record(
            actor=actor,
            action="observations.publish",
            object_type="release",
            object_id=source[:200],
            summary=f"{report.cells} cells: {report.published} published "
            f"({report.caution} with caution), {report.primary} suppressed, "
            f"{report.secondary} suppressed to protect them",
            after={"indicators": codes, **asdict(report)},
            scopes=[versions.indicator_scope(code) for code in codes],
        )
    return report


def _target(indicator: m.Indicator) -> Target | None:
    if indicator.target_value is None or indicator.target_year is None:
        return None
    return Target(
        value=indicator.target_value,
        year=indicator.target_year,
        baseline_year=indicator.baseline_year,
    )


def recompute_progress(*, indicator_ids: Sequence[int]) -> int:
    """Assess every series (total and each group) of the indicators by both methods."""
    made = 0
    for indicator in m.Indicator.objects.filter(id__in=indicator_ids):
        series: dict[tuple[str, str, str], dict[int, float | None]] = defaultdict(dict)
        rows = m.Observation.objects.filter(indicator=indicator, suppressed=False).values_list(
            "area", "breakdown", "key", "period", "value"
        )
        for area, breakdown, key, period, value in rows:
            series[(area, breakdown, key)][period] = value
        target = _target(indicator)
        direction = Direction(indicator.direction)
        new: list[m.Assessment] = []
        for (area, breakdown, key), values in series.items():
            for method, progress in assess(values, direction=direction, target=target).items():
                new.append(
                    m.Assessment(
                        indicator=indicator,
                        area=area,
                        breakdown=breakdown,
                        key=key,
                        method=method,
                        status=progress.status.value,
                        rank=progress.status.rank,
                        score=progress.score,
                        base_year=progress.base_year,
                        base_value=progress.base_value,
                        current_year=progress.current_year,
                        current_value=progress.current_value,
                        projection=progress.projection,
                    )
                )
        m.Assessment.objects.filter(indicator=indicator).delete()
        m.Assessment.objects.bulk_create(new, batch_size=_BATCH)
        made += len(new)
    return made


def set_target(
    *,
    actor: Actor,
    indicator: m.Indicator,
    value: float | None,
    year: int | None,
    baseline_year: int | None,
) -> m.Indicator:
    """Change an indicator's target; progress is assessed again."""
    with transaction.atomic():
        before = snapshot(indicator)
        if value is not None and year is not None:
            Target(value=value, year=year, baseline_year=baseline_year)  # validates
        indicator.target_value, indicator.target_year = value, year
        indicator.baseline_year = baseline_year
        indicator.save(update_fields=["target_value", "target_year", "baseline_year"])
        recompute_progress(indicator_ids=[indicator.id])
        record(
            actor=actor,
            action="indicator.target",
            object_type="indicator",
            object_id=indicator.code,
            before=before,
            after=snapshot(indicator),
        )
    return indicator


def stored_observations(queryset: Any) -> Iterable[Observation]:
    """Stored rows as library observations (suppressed ones without numbers)."""
    for row in queryset.select_related("indicator").iterator(chunk_size=_BATCH):
        yield Observation(
            indicator=row.indicator.code,
            period=row.period,
            area=row.area,
            disaggregation=tuple(parse_key(row.key).items()),
            value=row.value,
            se=row.se,
            ci_low=row.ci_low,
            ci_high=row.ci_high,
            n=row.n,
            flags=frozenset(Flag(f) for f in row.flag_list),
        )


def published_observations(indicator: str | None = None) -> Iterable[Observation]:
    """Every stored observation in download order (indicator, breakdown, key, period).

    Only ``indicator``'s when given; suppressed cells come without numbers.
    The downloads, the CLI's ``observatory export`` and the SDMX answers read this.
    """
    rows = m.Observation.objects.order_by("indicator__position", "breakdown", "key", "period")
    if indicator is not None:
        rows = rows.filter(indicator__code=indicator)
    return stored_observations(rows)


def dimension_codes() -> list[str]:
    """The stored dimensions' codes, in catalogue order (the tidy CSV's dimension columns)."""
    return list(m.Dimension.objects.values_list("code", flat=True))


def set_disclosure_policy(
    *, actor: Actor, min_count: int, cv_caution: float, cv_suppress: float, secondary: bool
) -> DisclosureReport:
    """Change the disclosure rules and apply them again to every stored cell.

    Stricter rules suppress more stored cells at once; looser rules cannot bring
    a suppressed value back (it is not stored): compute or import it again.
    """
    rules = DisclosureRules(
        min_count=min_count, cv_caution=cv_caution, cv_suppress=cv_suppress, secondary=secondary
    )
    with transaction.atomic():
        policy = m.DisclosurePolicy.objects.select_for_update().first() or m.DisclosurePolicy()
        before = snapshot(policy) if policy.pk else None
        policy.min_count, policy.cv_caution = min_count, cv_caution
        policy.cv_suppress, policy.secondary = cv_suppress, secondary
        policy.save()
        cells = list(stored_observations(m.Observation.objects.all()))
        again, report = apply_disclosure(cells, rules)
        ids = dict(m.Indicator.objects.values_list("code", "id"))
        changed = [
            new
            for old, new in zip(cells, again, strict=True)
            if new.is_suppressed and not old.is_suppressed
        ]
        for cell in changed:
            m.Observation.objects.filter(
                indicator_id=ids[cell.indicator], area=cell.area, period=cell.period, key=cell.key
            ).update(
                value=None,
                se=None,
                ci_low=None,
                ci_high=None,
                n=None,
                suppressed=True,
                flags=";".join(sorted(f.value for f in cell.flags)),
            )
        if changed:
            recompute_progress(indicator_ids=sorted({ids[c.indicator] for c in changed}))
        record(
            actor=actor,
            action="disclosure.policy",
            object_type="disclosure_policy",
            object_id=str(policy.pk),
            summary=f"{len(changed)} stored cells newly suppressed",
            before=before,
            after=snapshot(policy),
        )
    return report
