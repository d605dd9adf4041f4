"""The bilan as one self-contained HTML page: its charts inline (SVG), its style inline, no
script, no link to anything outside it. The PDF is this page, printed.

The console shows the same content (`render_body`) inside its own layout, with the same
style as a stylesheet of its own (`stylesheet`): its pages allow no inline style."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mentorat.mail.dates import date_fr
from mentorat.mail.environment import environment
from mentorat.reports import charts
from mentorat.reports import numbers as n
from mentorat.services.bilan import (
    SCALE5,
    SCALE10,
    Bilan,
    Scores,
    headline,
    mean,
    net_promoter,
    share_at_least,
    total,
)
from templates import REPORTS_DIR

SCALE5_WORDS = {1: "1 – pas du tout", 5: "5 – tout à fait"}


@dataclass(frozen=True)
class ScoreSection:
    """One question of the evaluation: its chart and its table (one column per role)."""

    title: str
    question: str
    chart: str | None
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    withheld: list[str]


def render_html(bilan: Bilan, *, now: datetime) -> str:
    template = environment(REPORTS_DIR).get_template("bilan.html")
    return template.render(b=bilan, v=view(bilan), generated=date_fr(now, weekday=False))


def render_body(bilan: Bilan, *, now: datetime) -> str:
    """The page's content alone (escaped), to sit inside an element of class "bilan"."""
    template = environment(REPORTS_DIR).get_template("_bilan_body.html")
    return template.render(b=bilan, v=view(bilan), generated=date_fr(now, weekday=False))


def stylesheet() -> str:
    """The bilan's style, every rule under the class "bilan" (no page rules)."""
    return (REPORTS_DIR / "bilan.css").read_text(encoding="utf-8")


def cell(count: int, respondents: int) -> str:
    """« 3 (25 %) »: an effective and its share of the group's answers."""
    return f"{n.integer(count)} ({n.ratio(count, respondents)})"


def view(bilan: Bilan) -> dict[str, Any]:
    hidden = bilan.hidden
    published = [s for s in bilan.scores if s.published]
    return {
        "headline": [(label, n.integer(value)) for label, value in headline(bilan)],
        "applications": _applications(bilan),
        "months": _months(bilan),
        "months_chart": _months_chart(bilan),
        "escalations": _escalations(bilan),
        "response": [
            (
                s.label,
                n.integer(s.invited),
                n.integer(s.respondents),
                n.ratio(s.respondents, s.invited),
            )
            for s in bilan.scores
        ],
        "sections": [
            _distribution_section(
                bilan,
                "Objectifs atteints",
                "Avez-vous atteint les objectifs que vous vous étiez fixés\u00a0?",
                "objectives",
                SCALE5,
            ),
            _distribution_section(
                bilan,
                "Satisfaction",
                "Êtes-vous satisfait·e du mentorat\u00a0?",
                "satisfaction",
                SCALE5,
            ),
            _distribution_section(
                bilan,
                "Recommandation",
                "Recommanderiez-vous le programme à une ou un collègue\u00a0? (de 0 à 10)",
                "recommend",
                SCALE10,
            ),
        ],
        "recommend_summary": [
            (
                s.label,
                n.decimal(mean(s.recommend)) if s.published else hidden,
                n.signed(net_promoter(s.recommend)) if s.published else hidden,
            )
            for s in bilan.scores
        ],
        "objectives": [
            (
                g.label,
                n.integer(g.respondents),
                n.decimal(mean(g.reached)) if g.published else hidden,
                n.percent(share_at_least(g.reached, 4)) if g.published else hidden,
            )
            for g in bilan.objectives
        ],
        "mentor_again": _mentor_again(bilan),
        "any_published": bool(published),
        "comparison": _comparison(bilan),
        "comparison_chart": _comparison_chart(bilan),
        "comparison_caption": (
            "Taux de réponse aux points mensuels"
            + (" et part des objectifs atteints" if _all_published(bilan) else "")
            + ", par cohorte."
        ),
    }


def _applications(bilan: Bilan) -> list[tuple[str, str, str]]:
    rows = [
        (label, n.integer(bilan.applications[role]), n.integer(bilan.matched[role]))
        for role, label in (("mentor", "Mentors"), ("mentee", "Mentoré·es"))
    ]
    rows.append(
        (
            "Total",
            n.integer(sum(bilan.applications.values())),
            n.integer(sum(bilan.matched.values())),
        )
    )
    return rows


def _months(bilan: Bilan) -> list[dict[str, str]]:
    return [
        {
            "month": f"Mois {m.month}",
            "requested": n.integer(m.requested),
            "answered": n.integer(m.answered),
            "rate": n.ratio(m.answered, m.requested),
            "missed": n.integer(m.missed),
            "met": n.integer(m.met) if m.published else bilan.hidden,
            "meetings": n.integer(m.meetings) if m.published else bilan.hidden,
        }
        for m in bilan.months
    ]


def _months_chart(bilan: Bilan) -> str | None:
    if not bilan.months:
        return None
    return charts.bars(
        "Points mensuels demandés et répondus, par mois",
        [f"Mois {m.month}" for m in bilan.months],
        [
            ("Demandés", [m.requested for m in bilan.months]),
            ("Répondus", [m.answered for m in bilan.months]),
        ],
        ylabel="Points mensuels",
    )


def _escalations(bilan: Bilan) -> dict[str, Any]:
    e = bilan.escalations
    return {
        "counts": [
            ("Demandes d’aide transmises au référent", n.integer(e.help_requested)),
            ("Alertes pour points mensuels manqués", n.integer(e.missed_checkins)),
            ("Alertes pour binômes sans rencontre", n.integer(e.no_meeting)),
            ("Relances pour charte non signée", n.integer(e.charter_unsigned)),
        ],
        "outcomes": [(k, cell(v, e.checkin_total)) for k, v in e.outcomes.items()],
        "published": e.published,
        "any": e.checkin_total > 0,
        "charter_outcomes": [
            (k, cell(v, e.charter_unsigned)) for k, v in e.charter_outcomes.items()
        ],
        "charter_published": e.charter_published,
    }


def _values(scores: Scores, attribute: str) -> dict[int, int]:
    values: dict[int, int] = getattr(scores, attribute)
    return values


def _distribution_section(
    bilan: Bilan, title: str, question: str, attribute: str, scale: Sequence[int]
) -> ScoreSection:
    """A column per role with enough answers; the others are named in `withheld`."""
    words = SCALE5_WORDS if scale == SCALE5 else {}
    published = [s for s in bilan.scores if s.published]
    rows: list[tuple[str, list[str]]] = [
        (
            words.get(value, str(value)),
            [cell(_values(s, attribute)[value], s.respondents) for s in published],
        )
        for value in scale
    ]
    rows.append(("Moyenne", [n.decimal(mean(_values(s, attribute))) for s in published]))
    chart = None
    if published:
        chart = charts.bars(
            f"{title}\u00a0: répartition des réponses, en part des répondants",
            [str(v) for v in scale],
            [
                (
                    s.label,
                    [_values(s, attribute)[v] / total(_values(s, attribute)) for v in scale],
                )
                for s in published
            ],
            ylabel="Part des réponses",
            percent=True,
        )
    return ScoreSection(
        title,
        question,
        chart,
        [s.label for s in published],
        rows if published else [],
        [f"{s.label} — {bilan.hidden}." for s in bilan.scores if not s.published],
    )


def _mentor_again(bilan: Bilan) -> list[tuple[str, str]] | None:
    mentors = next(s for s in bilan.scores if s.role == "mentor")
    if not mentors.published:
        return None
    return [(k, cell(v, mentors.respondents)) for k, v in mentors.mentor_again.items()]


def _comparison(bilan: Bilan) -> dict[str, Any]:
    """One column per cohort, the oldest first and this one last; one row per measure."""
    cohorts = [*bilan.earlier, bilan.current]
    hidden = bilan.hidden

    def shown(published: bool, text: str) -> str:
        return text if published else hidden

    rows = [
        ("Candidatures", [n.integer(s.applications) for s in cohorts]),
        ("Binômes formés", [n.integer(s.pairs) for s in cohorts]),
        (
            "Points mensuels répondus",
            [n.ratio(s.checkins_answered, s.checkins_requested) for s in cohorts],
        ),
        ("Réponses à l’évaluation", [n.integer(s.respondents) for s in cohorts]),
        (
            "Satisfaction moyenne sur 5",
            [shown(s.published, n.decimal(s.satisfaction_mean)) for s in cohorts],
        ),
        (
            "Recommandation moyenne sur 10",
            [shown(s.published, n.decimal(s.recommend_mean)) for s in cohorts],
        ),
        ("Score net de recommandation", [shown(s.published, n.signed(s.nps)) for s in cohorts]),
        (
            "Objectifs atteints (4 ou 5 sur 5)",
            [shown(s.published, n.percent(s.objectives_reached_share)) for s in cohorts],
        ),
        (
            "Mentors prêts à recommencer",
            [shown(s.mentors_again_published, n.percent(s.mentors_again_share)) for s in cohorts],
        ),
    ]
    columns = [s.code for s in bilan.earlier] + [f"{bilan.current.code} (cette cohorte)"]
    return {"columns": columns, "rows": rows}


def _comparison_chart(bilan: Bilan) -> str | None:
    if not bilan.earlier:
        return None
    cohorts = [*bilan.earlier, bilan.current]
    series: list[tuple[str, list[float]]] = [
        (
            "Points mensuels répondus",
            [
                s.checkins_answered / s.checkins_requested if s.checkins_requested else 0.0
                for s in cohorts
            ],
        )
    ]
    if _all_published(bilan):
        series.append(
            (
                "Objectifs atteints (4 ou 5 sur 5)",
                [s.objectives_reached_share or 0.0 for s in cohorts],
            )
        )
    return charts.bars(
        "Comparaison des cohortes du programme",
        [s.code for s in cohorts],
        series,
        ylabel="Part",
        percent=True,
    )


def _all_published(bilan: Bilan) -> bool:
    return all(s.published for s in [*bilan.earlier, bilan.current])
