"""French free text: normalisation, Snowball stemming and TF-IDF vectors for cosine similarity."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import Stemmer
from scipy import sparse


def _words(text: str) -> list[str]:
    return text.split()


# Written without accents because tokens are compared after accents are stripped.
STOP_WORDS = frozenset(
    _words(
        """
    a afin ai aie aient aies ainsi alors apres as au aucun aucune aupres auquel aussi autre
    autres aux auxquelles auxquels avaient avais avait avant avec avez aviez avions avoir
    avons ayant bien c ca car ce ceci cela celle celles celui cependant certain certaine
    certaines certains ces cet cette ceux chacun chaque chez ci comme comment d dans de
    depuis des desquelles desquels dont du duquel durant elle elles en encore entre es est
    et etaient etais etait etant ete etes etions etre eu eue eux fait faire fais fois font
    furent fut ici il ils j je jusqu jusque l la laquelle le lequel les lesquelles lesquels
    leur leurs lors lorsque lui m ma mais me meme memes mes moi moins mon n ne ni non nos
    notre nous on ont ou par parce parmi pas peu peut peuvent plus plusieurs pour pourquoi
    pourrait puis qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si
    sien soi soient sois soit sommes son sont sous suis sur t ta tandis te tel telle telles
    tels tes toi ton tous tout toute toutes tres tu un une unes uns va vers voici voila vos
    votre vous y etc souhaite souhaiterais voudrais aimerais
    """
    )
)

# Checked after lower-casing; str.replace on the few present beats str.translate, which
# is slow with multi-character replacements.
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("’", "'"), ("ß", "ss"))
_TOKEN = re.compile(r"[a-z0-9]+")
_TOKEN_OR_NUL = re.compile(r"[a-z0-9]+|\x00")
# Accents are stripped before stemming, so that a label written with or without them
# gives the same stem; the few endings where Snowball needs the accent to find the
# suffix get it back first (« mobilite » -> « mobilité » -> « mobil », like « mobilités »).
_REACCENT = (("ites", "ités"), ("ite", "ité"), ("ees", "ées"), ("ee", "ée"))
_SNOWBALL = Stemmer.Stemmer("french")


def normalise(text: str) -> str:
    """Lower-case, strip accents and ligatures: "Mobilité à l'Œuvre" -> "mobilite a l'oeuvre"."""
    text = text.lower()
    if text.isascii():
        return text
    for ligature, letters in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", text)
    # Dropping what is not ASCII after decomposition removes the accents (and symbols,
    # which the tokeniser would drop anyway).
    return decomposed.encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=100_000)
def stem(token: str) -> str:
    """Snowball's French stem of an accent-free token, itself accent-free: encadrer,
    encadrant, encadrement -> « encadr »; négocier, négociation -> « negoci »."""
    word = token
    for plain, accented in _REACCENT:
        if word.endswith(plain):
            word = word[: -len(plain)] + accented
            break
    return normalise(_SNOWBALL.stemWord(word))


def tokens(text: str) -> list[str]:
    """Stemmed content words of a French text (elisions such as « l' » and « d' » drop out)."""
    return [stem(t) for t in _TOKEN.findall(normalise(text)) if t not in STOP_WORDS and len(t) > 1]


def _term_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """(document, term id) of every content word, terms numbered by first occurrence.

    The same words as ``tokens``, found for the whole corpus at once: the texts are
    normalised as one string, and each distinct word is looked up (stop word, stem) once,
    not at each of its occurrences.
    """
    # NUL separates the texts: normalisation keeps it, and one search finds the words and
    # the separators of the whole corpus; a separator moves on to the next document.
    joined = normalise("\x00".join(t.replace("\x00", " ") for t in texts))
    flat = _TOKEN_OR_NUL.findall(joined)
    vocab: dict[str, int] = {}
    code: dict[str, int] = {"\x00": -2}
    # Words in order of first occurrence, so that terms are numbered in that order too.
    for word in dict.fromkeys(flat):
        if word == "\x00":
            continue
        if word in STOP_WORDS or len(word) <= 1:
            code[word] = -1
        else:
            code[word] = vocab.setdefault(stem(word), len(vocab))
    term = np.fromiter(map(code.__getitem__, flat), np.int64, len(flat))
    doc = np.cumsum(term == -2)
    keep = term >= 0
    return doc[keep], term[keep], len(vocab)


def tfidf_pair(
    mentee_texts: Sequence[str], mentor_texts: Sequence[str], max_terms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Dense TF-IDF rows whose dot products are the mentee x mentor cosine similarities.

    Norms are taken over each document's full vocabulary; only terms that occur on both
    sides can contribute to a mentee-mentor product, so only those are kept as columns,
    and at most ``max_terms`` of them (the most frequent), which bounds the cost of the
    score matrix product. Empty texts get zero rows.
    """
    n_mentees = len(mentee_texts)
    n_docs = n_mentees + len(mentor_texts)
    doc, term, n_terms = _term_ids([*mentee_texts, *mentor_texts])
    if n_terms == 0:
        return np.zeros((n_mentees, 0), np.float32), np.zeros((len(mentor_texts), 0), np.float32)
    counts = sparse.csr_matrix(
        (np.ones(len(doc), np.float64), (doc, term)), shape=(n_docs, n_terms)
    )
    counts.sum_duplicates()
    presence = counts.copy()
    presence.data[:] = 1.0
    df = np.asarray(presence.sum(axis=0)).ravel()
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weights = counts.copy()
    # Sublinear tf: a word said twice is not twice as telling.
    weights.data = 1.0 + np.log(weights.data)
    weights = sparse.csr_matrix(weights.multiply(idf[np.newaxis, :]))
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weights = sparse.csr_matrix(sparse.diags(1.0 / norms) @ weights)

    df_mentees = np.asarray(presence[:n_mentees].sum(axis=0)).ravel()
    df_mentors = np.asarray(presence[n_mentees:].sum(axis=0)).ravel()
    shared = np.flatnonzero((df_mentees > 0) & (df_mentors > 0))
    if len(shared) > max_terms:
        # Most frequent shared terms first; ties by vocabulary order, which is input order
        # of the (id-sorted) documents, so the choice is deterministic.
        order = np.lexsort((shared, -(df[shared])))
        shared = np.sort(shared[order[:max_terms]])
    kept = weights[:, shared].toarray().astype(np.float32)
    return kept[:n_mentees], kept[n_mentees:]
