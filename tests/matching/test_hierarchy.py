from mentorat.matching import MatchingRules, solve
from mentorat.matching.hierarchy import chain

from .people import key, mentee, mentor


def test_the_chain_goes_up_to_the_top_and_stops_on_a_loop():
    managers = {"a": "b", "b": "c", "c": "a"}
    assert chain("a", managers) == ["b", "c"]


def test_a_grand_manager_is_never_the_mentor():
    # Chloé Dubois manages Bruno Lefèvre, who manages Alice Martin.
    chloe = mentor("Chloé Dubois")
    alice = mentee("Alice Martin")
    hierarchy = {
        key("Alice Martin"): key("Bruno Lefèvre"),
        key("Bruno Lefèvre"): key("Chloé Dubois"),
    }
    proposal = solve([chloe], [alice], MatchingRules(), hierarchy=hierarchy)
    assert proposal.pairs == []
    reason = proposal.unmatched[0]
    assert reason.reason_code == "no_eligible_mentor"
    assert reason.rules == ("hierarchy",)
    assert "«\u00a0même ligne hiérarchique\u00a0»" in reason.reason_fr


def test_a_mentee_above_the_mentor_is_refused_too():
    david = mentor("David Petit")
    emma = mentee("Emma Roux")
    hierarchy = {key("David Petit"): key("Farid Benali"), key("Farid Benali"): key("Emma Roux")}
    assert solve([david], [emma], MatchingRules(), hierarchy=hierarchy).pairs == []


def test_the_manager_key_on_the_application_counts_as_the_chart():
    gaelle = mentor("Gaëlle Simon")
    hugo = mentee("Hugo Moreau", manager_key=key("Gaëlle Simon"))
    assert solve([gaelle], [hugo], MatchingRules()).pairs == []


def test_colleagues_under_the_same_manager_may_pair():
    ines = mentor("Inès Garnier")
    jules = mentee("Jules Faure")
    hierarchy = {key("Inès Garnier"): key("Karim Haddad"), key("Jules Faure"): key("Karim Haddad")}
    assert len(solve([ines], [jules], MatchingRules(), hierarchy=hierarchy).pairs) == 1


def test_the_rule_can_be_switched_off_by_the_preset():
    chloe = mentor("Chloé Dubois")
    alice = mentee("Alice Martin", manager_key=key("Chloé Dubois"))
    rules = MatchingRules.from_preset({"hard": {"hierarchy": False}})
    assert len(solve([chloe], [alice], rules).pairs) == 1
