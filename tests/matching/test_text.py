import numpy as np

from mentorat.matching.text import normalise, tfidf_pair, tokens


def test_it_strips_accents_and_ligatures():
    assert normalise("Mobilité à l’Œuvre, ÉTÉ") == "mobilite a l'oeuvre, ete"


def test_it_drops_stop_words_and_elisions():
    assert tokens("Je souhaite l'encadrement d'une équipe") == ["encadr", "equip"]


def test_inflected_forms_meet_after_stemming():
    assert tokens("responsabilités")[0] == tokens("responsabilite")[0]


def test_close_texts_are_more_similar_than_unrelated_ones():
    mentee, mentors = tfidf_pair(
        ["Je voudrais préparer une mobilité hors juridiction et encadrer une équipe"],
        [
            "J'ai encadré des équipes et fait une mobilité hors de ma juridiction",
            "Spécialiste des marchés publics et du budget",
        ],
        256,
    )
    similarity = mentee @ mentors.T
    assert similarity[0, 0] > 0.3
    assert similarity[0, 1] == 0


def test_empty_texts_give_zero_rows():
    mentee, mentors = tfidf_pair(["", "gestion"], ["gestion", ""], 256)
    assert np.allclose(mentee @ mentors.T, [[0, 0], [1, 0]], atol=1e-6)
