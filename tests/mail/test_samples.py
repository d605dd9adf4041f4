from demo.mail_samples import sample, variants
from mentorat.mail import KINDS


def test_there_is_a_sample_for_every_kind_and_variants_cover_them_all():
    assert {kind for _, kind, _ in variants()} == set(KINDS)
    names = [name for name, _, _ in variants()]
    assert len(names) == len(set(names))


def test_a_sample_is_a_fresh_copy():
    first = sample("pair_introduction")
    first["partner"]["first_name"] = "Zoé"
    assert sample("pair_introduction")["partner"]["first_name"] == "Bruno"
