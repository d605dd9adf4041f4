"""The bilan as a workbook: one sheet per part, French headers, numbers as numbers (the
reader can chart them again), text through `services.spreadsheets` (never a formula)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from mentorat.mail.dates import date_fr
from mentorat.services.bilan import (
    SCALE5,
    SCALE10,
    Bilan,
    headline,
    mean,
    net_promoter,
    share_at_least,
)


def write_xlsx(bilan: Bilan, path: Path, *, now: datetime) -> None:
    from mentorat.services.spreadsheets import fill_sheet, new_workbook

    hidden = bilan.hidden
    book, sheet = new_workbook()
    sheet.title = "Synthèse"
    fill_sheet(
        sheet,
        ["Mesure", "Valeur"],
        [
            ["Programme", bilan.programme],
            ["Cohorte", f"{bilan.label} ({bilan.code})"],
            ["Édité le", date_fr(now, weekday=False)],
            ["Seuil d’anonymat (réponses)", bilan.threshold],
            *([label, value] for label, value in headline(bilan)),
            ["Réponses comportant un commentaire", bilan.comments],
            [
                "Commentaires publiés (avec l’accord de leur auteur)",
                sum(len(g.texts) for g in bilan.comment_groups),
            ],
        ],
    )
    fill_sheet(
        book.create_sheet("Points mensuels"),
        [
            "Mois",
            "Demandés",
            "Répondus",
            "Manqués",
            "Réponses «\u00a0nous nous sommes rencontrés\u00a0»",
            "Rencontres déclarées (par binôme)",
        ],
        (
            [
                m.month,
                m.requested,
                m.answered,
                m.missed,
                m.met if m.published else hidden,
                m.meetings if m.published else hidden,
            ]
            for m in bilan.months
        ),
    )
    e = bilan.escalations
    alerts: list[list[Any]] = [
        ["Demandes d’aide transmises au référent", e.help_requested],
        ["Alertes pour points mensuels manqués", e.missed_checkins],
        ["Alertes pour binômes sans rencontre", e.no_meeting],
        ["Relances pour charte non signée", e.charter_unsigned],
    ]
    alerts += (
        [[f"Suite\u00a0: {k}", v] for k, v in e.outcomes.items()]
        if e.published
        else [["Suite des alertes des points mensuels", hidden]]
    )
    alerts += (
        [[f"Suite\u00a0: {k}", v] for k, v in e.charter_outcomes.items()]
        if e.charter_published
        else [["Suite des relances de charte", hidden]]
    )
    fill_sheet(book.create_sheet("Alertes"), ["Alerte", "Nombre"], alerts)
    evaluation: list[list[Any]] = []
    for s in bilan.scores:
        evaluation.append([s.label, "Sollicités", "", s.invited])
        evaluation.append([s.label, "Réponses", "", s.respondents])
        if not s.published:
            evaluation.append([s.label, "Notes", "", hidden])
            continue
        for question, values, scale in (
            ("Objectifs atteints (1 à 5)", s.objectives, SCALE5),
            ("Satisfaction (1 à 5)", s.satisfaction, SCALE5),
            ("Recommandation (0 à 10)", s.recommend, SCALE10),
        ):
            evaluation += [[s.label, question, v, values[v]] for v in scale]
            evaluation.append([s.label, question, "moyenne", round(mean(values) or 0, 2)])
        evaluation.append(
            [s.label, "Recommandation (0 à 10)", "score net", net_promoter(s.recommend)]
        )
        evaluation += [[s.label, "De nouveau mentor", k, v] for k, v in s.mentor_again.items()]
    fill_sheet(
        book.create_sheet("Évaluation"), ["Rôle", "Question", "Note", "Réponses"], evaluation
    )
    fill_sheet(
        book.create_sheet("Objectifs"),
        ["Catégorie d’objectif", "Réponses", "Note moyenne sur 5", "Part 4 ou 5"],
        (
            [
                g.label,
                g.respondents,
                round(mean(g.reached) or 0, 2) if g.published else hidden,
                round(share_at_least(g.reached, 4) or 0, 4) if g.published else hidden,
            ]
            for g in bilan.objectives
        ),
    )
    fill_sheet(
        book.create_sheet("Comparaison"),
        [
            "Cohorte",
            "Candidatures",
            "Binômes",
            "Points mensuels demandés",
            "Points mensuels répondus",
            "Réponses à l’évaluation",
            "Satisfaction moyenne sur 5",
            "Recommandation moyenne sur 10",
            "Score net de recommandation",
            "Part des objectifs atteints (4 ou 5)",
            "Part des mentors prêts à recommencer",
        ],
        (
            [
                s.code,
                s.applications,
                s.pairs,
                s.checkins_requested,
                s.checkins_answered,
                s.respondents,
                _rounded(s.satisfaction_mean) if s.published else hidden,
                _rounded(s.recommend_mean) if s.published else hidden,
                s.nps if s.published else hidden,
                _rounded(s.objectives_reached_share, 4) if s.published else hidden,
                _rounded(s.mentors_again_share, 4) if s.mentors_again_published else hidden,
            ]
            for s in [*bilan.earlier, bilan.current]
        ),
    )
    for ws in book.worksheets:
        ws.column_dimensions["A"].width = 48
        for column in "BCDEFGHIJK":
            ws.column_dimensions[column].width = 18
    quoted = [[g.label, text] for g in bilan.comment_groups for text in g.texts]
    if quoted:
        # Only when some author allowed it: text cells, never formulas (fill_sheet).
        sheet = book.create_sheet("Commentaires")
        fill_sheet(sheet, ["Rôle", "Commentaire (sans nom, avec l’accord de son auteur)"], quoted)
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 100
    book.save(path)


def _rounded(value: float | None, digits: int = 2) -> float | str:
    return round(value, digits) if value is not None else ""
