"""A programme's rule never passes silently for want of its column.

Property: whatever the rules of the programme and whatever columns a file has, filled or
empty, every rule whose column is absent or empty is an error naming the rule and the
column, unless the operator accepted it by name; and a rule whose column is there and
filled gives no error.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from mentorat.importing.candidates import candidates_from_table
from mentorat.importing.requirements import coverage, requirement_errors
from mentorat.importing.table import Table, TableRow
from mentorat.matching.rules import HardRules, MatchingRules, Weights
from mentorat.services.intake import needs_of

IDENTITY = ("Prénom", "Nom", "Courriel", "Rôle")
COLUMN = {
    "unit": ("Juridiction", "Tribunal judiciaire de Lille"),
    "manager_email": ("N+1", "marc.bernard@justice.gouv.fr"),
    "career_stage": ("Stade de carrière", "fin"),
    "seniority_years": ("Années d'expérience", "20"),
    "languages": ("Langue(s)", "français"),
    "overseas": ("Ultramarin·e", "non"),
    "capacity": ("Nombre de mentoré·es", "2"),
    "objectives": ("Objectifs recherchés", "Prise de poste"),
    "expertise": ("Compétences", "Encadrement"),
}
PEOPLE = (
    ("Alice", "Martin", "alice.martin@justice.gouv.fr", "mentor"),
    ("Chloé", "Dubois", "chloe.dubois@justice.gouv.fr", "mentorée"),
)

rules_strategy = st.builds(
    MatchingRules,
    hard=st.builds(
        HardRules,
        hierarchy=st.booleans(),
        same_unit=st.booleans(),
        mentor_career_stages=st.sampled_from([(), ("late",)]),
        min_mentor_seniority_years=st.sampled_from([0, 5, 15]),
        shared_language=st.booleans(),
        overseas_remote=st.booleans(),
    ),
    weights=st.builds(
        Weights, objectives=st.sampled_from([0, 35]), expertise=st.sampled_from([0, 20])
    ),
)
state_strategy = st.fixed_dictionaries(
    {name: st.sampled_from(["absent", "empty", "filled"]) for name in COLUMN}
)


def table(states: dict[str, str]) -> Table:
    present = [name for name in COLUMN if states[name] != "absent"]
    header = (*IDENTITY, *(COLUMN[name][0] for name in present))
    rows = tuple(
        TableRow(
            line,
            (*person, *(COLUMN[n][1] if states[n] == "filled" else "" for n in present)),
        )
        for line, person in enumerate(PEOPLE, start=2)
    )
    return Table("candidats.csv", header, 1, rows)


@settings(max_examples=300, deadline=None)
@given(rules=rules_strategy, states=state_strategy, data=st.data())
def test_no_rule_whose_column_is_missing_passes_silently(rules, states, data):
    needs = needs_of(rules)
    accepted = data.draw(st.sets(st.sampled_from([n.rule for n in needs]))) if needs else set()
    result = candidates_from_table(table(states))

    coverages = coverage(result, needs, accepted)
    errors = requirement_errors(result, coverages)

    by_rule = {need.rule: need for need in needs}
    named = {rule for rule in by_rule for e in errors if f"({rule})" in e.message}
    # « Outre-mer » empty still reads « non » for everyone: a yes/no column is never empty.
    missing = {
        n.rule
        for n in needs
        if states[n.field] == "absent" or (states[n.field] == "empty" and n.field != "overseas")
    }
    assert named == missing - accepted
    assert {c.need.rule for c in coverages if c.missing} == missing
    for error in errors:
        need = next(n for n in needs if f"({n.rule})" in error.message)
        assert error.field == need.field and f"--accept-missing {need.rule}" in error.message


def test_the_message_names_the_rule_and_the_column_in_french():
    rules = MatchingRules(hard=HardRules(same_unit=True))
    result = candidates_from_table(table(dict.fromkeys(COLUMN, "filled") | {"unit": "absent"}))

    errors = requirement_errors(result, coverage(result, needs_of(rules), set()))

    assert [str(e) for e in errors] == [
        "candidats.csv, ligne 1, colonne «\u00a0Unité\u00a0»\u00a0: la règle «\u00a0jamais dans "
        "la même unité\u00a0» (same_unit) du programme s’appuie sur la colonne «\u00a0Unité\u00a0»,"
        " absente du fichier ou non reconnue\u00a0; sans elle, la règle laisserait tout passer. "
        "Ajoutez ou remplissez la colonne, faites-la lire avec --columns, ou poursuivez "
        "sciemment avec --accept-missing same_unit"
    ]


def test_what_each_rule_sees_is_counted_over_the_rows_it_concerns():
    states = dict.fromkeys(COLUMN, "filled")
    result = candidates_from_table(table(states))
    rules = MatchingRules(hard=HardRules(same_unit=True, min_mentor_seniority_years=15))

    seen = {c.need.rule: c.seen() for c in coverage(result, needs_of(rules), set())}

    assert seen["same_unit"] == "Unité\u00a0: 2/2 renseignées (mentors et mentoré·es)"
    assert seen["min_mentor_seniority_years"] == "Ancienneté\u00a0: 1/1 renseignées (mentors)"
    assert seen["capacity"] == "Capacité\u00a0: 1/1 renseignées (mentors)"
