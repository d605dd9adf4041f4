"""Matching engine: hard rules, weighted affinities, optimal and fair assignment, explanations.

Pure Python (numpy, scipy, OR-Tools): no Prefect, no database. The lead calls::

    from mentorat.matching import Candidate, MatchingRules, solve, greedy, Proposal
    rules = MatchingRules.from_preset(preset["matching"])
    proposal = solve(mentors, mentees, rules, hierarchy=org_chart, pinned=[(12, 40)],
                     forbidden=[(13, 41)], previous_pairs=[("a@x.fr", "b@x.fr")],
                     labels={"mobilite-hors-juridiction": "Mobilité hors juridiction"})

``labels`` (optional, also on ``greedy``) gives French labels of tags, as applications
store them, over the preset's ``[matching.labels]``; a tag without a label is shown with
its dashes as spaces.

How it works
------------
1. Hard rules decide which pairs are allowed; a mentee for whom none is allowed is reported
   with the rules that excluded the mentors.
2. Each allowed pair gets a score from 0 to 100: the criteria's weights are scaled, per
   mentee, over the criteria that mentee filled in, so a mentee who states no objective is
   not penalised for it. Every criterion is bilinear in a mentee row and a mentor row
   (see ``features``), so the score matrix is one matrix product.
3. The assignment maximises the total. Up to ``dense_max_cells`` it is exactly optimal: the
   score matrix is scored block by block, each mentee's ``top_k`` best mentors are kept,
   the assignment is solved on them (sparse Jonker-Volgenant, one column per mentor slot)
   and then proven optimal on the whole matrix with dual prices; pairs that break the
   proof join the shortlists and the solve is redone (``certify``; the Hungarian algorithm
   on the full slot matrix is the last resort). Past ``dense_max_cells``, a min-cost flow
   on each mentee's ``top_k`` best mentors (best on those lists, not proven beyond them).
   The greedy baseline is exact in both: it fetches more of a mentee's row when its
   shortlist runs out. Input order does not matter: candidates are sorted by id.
4. Each pair carries its score by criterion and a French sentence; each person left out
   gets a reason code and a French reason; the report compares with a greedy baseline.
5. Feasibility (``Proposal.feasibility``, also ``report.feasibility``): how many pairs and
   mentors each hard rule excludes, whose data a rule lacks, who has no possible partner,
   and ``problem`` when there are no pairs or fewer than ``min_pairs_ratio`` of
   min(mentees, mentor slots). ``problem_lines`` says it in French for the operator, who
   then gets a problem to look at, not a proposal "ready to approve".

Preset keys (the ``[matching]`` table of a programme preset, TOML)
----------------------------------------------------------------
``mode`` (``"coverage"``)
    ``"coverage"``: match the most mentees, then maximise the total score.
    ``"quality"``: only pairs whose score reaches ``quality_threshold``; maximise the total.
``quality_threshold`` (30)
    Minimum score (0..100) of a pair in ``"quality"`` mode.
``fairness`` (true)
    Improve the worst-off mentees: a pair below the fairness floor counts for less than its
    score (``fairness_strength`` points lost per point under the floor). If that would
    bring the total under the greedy baseline's, the plain optimum is kept.
``fairness_floor`` (unset)
    The floor; unset means the 10th percentile of the greedy baseline's pair scores.
``fairness_strength`` (1.0)
    How much a point under the floor weighs, on top of the point itself.
``solver`` (``"auto"``)
    ``"dense"``, ``"sparse"`` or ``"auto"`` (dense while mentees x slots <= ``dense_max_cells``).
``dense_max_cells`` (60 000 000)
    Size limit of the dense solver (about 5 000 mentees x 10 000 mentor slots).
``top_k`` (16)
    Candidates kept per mentee: the sparse solver's lists; where the dense solver starts.
``text_max_terms`` (256)
    Words kept for the text similarity (the most frequent shared by both sides).
``few_candidates`` (3)
    Up to this many possible mentors, an unmatched mentee's reason says "only N".
``criterion_met_ratio`` (0.5)
    A pair meets a criterion, in the report, when it earns this share of its points.
``min_pairs_ratio`` (0.8)
    Fewer pairs than this share of min(mentees, mentor slots) is a problem to report.

``[matching.hard]``
    ``hierarchy`` (true): never in the same line of hierarchy, the whole chain of managers
    up and down, through the ``hierarchy`` mapping given to ``solve``.
    ``same_unit`` (false): never in the same unit or jurisdiction.
    ``mentor_career_stages`` ([]): allowed career stages of mentors, e.g. ``["fin"]``; [] = any.
    ``min_mentor_seniority_years`` (0): mentors with less (or unknown) seniority are refused.
    ``shared_language`` (true): mentor and mentee share at least one language.
    ``no_repeat`` (true): no pair already formed in an earlier cohort (``previous_pairs``).
    ``overseas_remote`` (true): an overseas mentee needs a mentor offering « distanciel »
    or « mixte » (a mentor who states no format counts as flexible).
    Always on: nobody mentors themselves; the operator's ``forbidden`` pairs are refused and
    ``pinned`` pairs are kept (a pin that breaks a hard rule raises ``InfeasibleRules``).

``[matching.weights]`` (relative, scaled to 100 per mentee)
    ``objectives`` (35): share of the mentee's objectives covered by what the mentor
    offers (the mentor's expertise, and topics a mentor lists as objectives), label
    against label by meaning (``concepts``: Snowball stems and the programmes' thesaurus:
    « Encadrement » covers « Management d'équipe »).
    ``expertise`` (15): the same for the domains the mentee wishes (a mentee's
    « expertise » column), against the same offer.
    ``region`` (10): same region; an overseas mentee always gets these points (remote).
    ``format`` (15): 1 if a format is shared, 0.5 if only « mixte » bridges, else 0.
    ``preference`` (10): the mentor's gender is the one the mentee prefers.
    ``availability`` (5): share of the mentee's time slots the mentor has (none = any).
    ``text`` (10): TF-IDF cosine of the mentee's expectations and the mentor's
    experience (profile and expertise labels), French-normalised (accents, stop words,
    Snowball stemming).
    Seeks -> offers: objectives, expertise, preference, text. Like with like (symmetric):
    format, region (an overseas mentee aside), and the language rule. Availability is the
    share of the mentee's slots the mentor has (a mentor who states none has them all).

``[matching.labels]``
    French labels of tags for the explanations, e.g.
    ``"mobilite-hors-juridiction" = "mobilité hors juridiction"``.
"""

from typing import TYPE_CHECKING

from mentorat.lazy import lazy_exports

if TYPE_CHECKING:
    from .candidate import Candidate
    from .engine import greedy, score_matrix, solve
    from .errors import InfeasibleRules
    from .feasibility import Feasibility, RuleCount, problem_lines
    from .proposal import CriterionScore, Proposal, ProposedPair, Unmatched
    from .report import QualityReport, ScoreSummary
    from .rules import CRITERIA, HardRules, MatchingRules, Weights

# Imported when first used: the engine brings NumPy, SciPy and OR-Tools (a second or more),
# which the commands that only read a stored proposal do not need.
_HOME = {
    "Candidate": "candidate",
    "greedy": "engine",
    "score_matrix": "engine",
    "solve": "engine",
    "InfeasibleRules": "errors",
    "Feasibility": "feasibility",
    "RuleCount": "feasibility",
    "problem_lines": "feasibility",
    "CriterionScore": "proposal",
    "Proposal": "proposal",
    "ProposedPair": "proposal",
    "Unmatched": "proposal",
    "QualityReport": "report",
    "ScoreSummary": "report",
    "CRITERIA": "rules",
    "HardRules": "rules",
    "MatchingRules": "rules",
    "Weights": "rules",
}


__getattr__ = lazy_exports(__name__, _HOME)


__all__ = [
    "CRITERIA",
    "Candidate",
    "CriterionScore",
    "Feasibility",
    "HardRules",
    "InfeasibleRules",
    "MatchingRules",
    "Proposal",
    "ProposedPair",
    "QualityReport",
    "RuleCount",
    "ScoreSummary",
    "Unmatched",
    "Weights",
    "greedy",
    "problem_lines",
    "score_matrix",
    "solve",
]
