import tomllib

import pytest

from mentorat.matching import MatchingRules

PRESET = """
[matching]
mode = "coverage"
quality_threshold = 30
fairness = true
[matching.hard]
hierarchy = true
same_unit = false
mentor_career_stages = ["fin"]
min_mentor_seniority_years = 0
shared_language = true
no_repeat = true
[matching.weights]
objectives = 35
expertise = 15
region = 10
format = 15
preference = 10
availability = 5
text = 10
[matching.labels]
mobilite-hors-juridiction = "mobilité hors juridiction"
"""


def test_it_reads_the_documented_preset_section():
    rules = MatchingRules.from_preset(tomllib.loads(PRESET)["matching"])
    assert rules.mode == "coverage"
    assert rules.hard.mentor_career_stages == ("fin",)
    assert rules.weights.objectives == 35
    assert rules.labels["mobilite-hors-juridiction"] == "mobilité hors juridiction"


def test_an_empty_section_gives_the_defaults():
    assert MatchingRules.from_preset({}) == MatchingRules()


def test_it_refuses_an_unknown_key_and_names_it():
    with pytest.raises(ValueError, match=r"matching\.hard\.same_jurisdiction"):
        MatchingRules.from_preset({"hard": {"same_jurisdiction": True}})


def test_it_refuses_a_wrong_type_and_names_the_key():
    with pytest.raises(ValueError, match=r"matching\.fairness"):
        MatchingRules.from_preset({"fairness": "oui"})
    with pytest.raises(ValueError, match=r"matching\.weights\.region"):
        MatchingRules.from_preset({"weights": {"region": "dix"}})


def test_it_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        MatchingRules.from_preset({"mode": "best"})


def test_it_refuses_a_negative_weight():
    with pytest.raises(ValueError, match=r"weights\.text"):
        MatchingRules.from_preset({"weights": {"text": -1}})
