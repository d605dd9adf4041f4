"""The French (and a little English) phrases the reply reader knows, on folded text: lower
case, no accents, straight apostrophes (mentorat.inbound.intent.fold).

Each answer is a phrase that says it, never a grammatical shape: a « ne … pas » is no answer by
itself (« je ne sais pas », « je ne suis plus dans le programme »). What is not listed here is
left to a person.
"""

from __future__ import annotations

import re


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# A negation word: what is left of a clause once its known phrases are taken out must hold none.
NEGATION = re.compile(r"\bne\b|\bn'|\bpas\b|\bjamais\b|\baucune?\b|\brien\b|\bnon\b|\bnot?\b")

# Negations that say nothing about the answer (taken out before looking for one).
BENIGN = _any(
    r"\b(pas|aucun|sans) (de |d')?(soucis?|problemes?|difficultes?)\b",
    r"\bn'hesitez pas\b.*",
    r"\brien (a signaler|de particulier|a dire de plus)\b",
    r"\bil n'y a pas de (soucis?|problemes?)\b",
)

# Greetings, thanks and closings: a clause made only of them is left out.
COURTESY = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|hello|coucou|madame|monsieur|mme|cher|chere|chers)\b"
    r"|(?:un )?(?:grand |tres grand )?merci\b"
    r"|(?:bien |tres )?cordialement\b|bien a (?:vous|toi)\b|a (?:tres )?bientot\b|au plaisir\b"
    r"|(?:bonne|belle|excellente) (?:journee|soiree|semaine|fin de (?:journee|semaine)|"
    r"continuation|reception|fin d'annee)\b"
    r"|(?:sinceres |meilleures )?salutations\b|bises\b|bisous\b|amities\b|respectueusement\b"
    r"|desolee? (?:pour|du) (?:le |mon )?retard\b|a (?:tres )?vite\b)"
)

# Words that make a reply something a person must read, whatever else it says.
_DOUBT = (
    r"\bmais\b|\bpar contre\b|\bcependant\b|\btoutefois\b|\bneanmoins\b|\bpourtant\b|\bsauf\b"
    r"|\bpeut-etre\b|\bpeut etre\b|\bprobablement\b|\bnormalement\b|\ben principe\b"
    r"|\bje (?:crois|pense|suppose|dirais)\b|\bil me semble\b|\bsous reserve\b|\ba confirmer\b"
    r"|\bsais pas\b|\bsais plus\b|\bcomprends? pas\b|\bcomprends? rien\b|\baucune idee\b"
    r"|\bpourquoi\b|\bcomment\b|\bquel(?:le)?s?\b|\bqui\b|\bde quoi\b|\berreur\b|\btromp"
    r"|\bsi (?:besoin|necessaire|possible|j'ai)\b|\ben cas\b|\bau cas\b|\bon verra\b"
    # an acknowledgment (« oui c'est noté ») answers nothing
    r"|\bnotee?s?\b|\brecue?s?\b|\bprends note\b"
)
_TROUBLE = (
    r"\barret|\babandon|\bquitt|\bretir|\bstop\b|\bmettre fin\b|\bterminer\b|\bdemission"
    r"|\bdesinscri|\bdesist|\bprogramme\b|\bproblemes?\b|\bdifficult|\bconflit|\bsoucis?\b"
    r"|\binquiet|\bmalade|\bmaladie|\bdeces\b|\bdecede|\bharcel|\burgen|\binjoignable"
    r"|\bchanger de\b|\bmessage\b|\bmail\b|\bcourriel\b|\be-mail\b|\blien\b|\bformulaire\b"
    r"|\brelance"
)
# Out of office, as people write it without the Auto-Submitted header.
_AWAY = (
    r"\bjusqu'(?:au|a|en)\b|\bde retour\b|\bmon retour\b|\bmessagerie\b|\bacces\b"
    r"|\bconges?\b|\bvacances\b|\bhors du bureau\b|\ben arret\b|\breponse automatique\b"
    r"|\bautomatique\b|\bout of\b|\boffice\b|\baway\b|\bback\b|\bemail\b|\bleave\b"
    r"|\bholidays?\b|\bvacation\b|\breturn|\blimited\b|\bi am\b|\bi'm\b|\bi will\b"
)
CHECKIN_ALARM = _any(_DOUBT, _TROUBLE, _AWAY, r"\babsente?s?\b|\babsence\b")
RSVP_ALARM = _any(
    _DOUBT,
    _TROUBLE,
    _AWAY,
    r"\bretard\b|\ben partie\b|\bune partie\b|\ba ma place\b|\bj'essaierai\b|\bessayer\b",
)

# A meeting still to come: « oui, on doit se voir la semaine prochaine » is no « vu ».
FUTURE = re.compile(
    r"\bprochaine?s?\b|\bprevue?s?\b|\bdemain\b|\bbientot\b|\bdoit\b|\bdevons\b|\bdevrions\b"
    r"|\ballons\b|\bon va\b|\bje vais\b|\bva (?:se|nous)\b|\bvoit\b|\bvoyons\b|\bverrons\b"
    r"|\bferai\b|\bferons\b|\bplanifi|\bcompte(?:ns)? (?:le|la|nous|se)\b"
)
# A bare « oui » or « non » answers the meeting only when the reply speaks of nothing else
# the email asks (« Non, je n'ai pas besoin d'aide » answers the help question).
BARE = re.compile(r"^(?:oui|yes|non|no|affirmatif|negatif|tout a fait|bien sur|absolument)\b")
OTHER_QUESTION = re.compile(r"\bbesoin\b|\bca va\b|\baller\b|\bva bien\b|\bva mieux\b")

# --- check-ins ---------------------------------------------------------------------------
_MEET_VERB = (
    r"(?:vus?|vues?|revus?|rencontree?s?|retrouvee?s?|parle|appelee?s?|telephone|reunie?s?"
    r"|entretenue?s?|echange)"
)
_SOFT = r"(?:bien |deja |enfin |donc )?"
MET = _any(
    r"^(?:oui|yes|affirmatif|tout a fait|bien sur|absolument|effectivement)\b",
    rf"\b(?:on|nous) (?:s'est|nous sommes|s'etait|nous etions) {_SOFT}{_MEET_VERB}\b",
    rf"\b(?:on a|nous avons) {_SOFT}(?:echange|discute)\b",
    rf"\b(?:on a|nous avons) {_SOFT}pu (?:nous|se) (?:voir|rencontrer|retrouver|parler|appeler)\b",
    rf"\b(?:on a|nous avons) {_SOFT}(?:eu|fait|tenu|organise) (?:\S+ ){{0,2}}"
    r"(?:rencontre|seance|rendez-vous|rdv|entretien|echange|reunion|appel|visio|point|dejeuner"
    r"|cafe)s?\b",
    r"\b(?:a|ont) (?:bien )?eu lieu\b|\bs'est (?:bien )?(?:tenue?|deroulee?|passee?)\b",
    r"\bc'est fait\b|\b(?:rencontre|seance|rendez-vous) (?:faite?|effectuee?|realisee?)\b",
    rf"\bj'ai {_SOFT}(?:vu|revu|rencontre|retrouve|appele|eu) (?:mon|ma|notre|le|la)\b",
    rf"\bje l'ai {_SOFT}{_MEET_VERB}\b",
    r"^(?:vus?|vues?|rencontres?|rencontrees?|fait)$",
)
# Not met: phrases that say it without a negation, and a negation of meeting (by us / them).
NOT_MET = _any(
    r"^(?:non|no|negatif)\b",
    r"\bpas encore\b|\btoujours pas\b|\bpas ce mois\b|\bpas cette fois\b|\bpas pour l'instant\b",
    r"\bpas (?:eu )?(?:le temps|l'occasion)\b|\bpas vue?s?\b",
    r"\b(?:pas|aucune?) (?:de |d')?(?:rencontre|seance|rendez-vous|rdv|entretien|echange)s?\b",
    r"\breportee?s?\b|\bannulee?s?\b|\bdecalee?s?\b",
)
NOT_MET_SUBJECT = re.compile(r"\b(?:on|nous)\b|\bje ne l'ai\b|\bje n'ai (?:pas|jamais)\b")
MEETING_WORD = re.compile(
    r"\b(?:vus?|vues?|voir|revu|rencontree?s?|rencontrer|retrouvee?s?|retrouver|parle|parler"
    r"|echange|echanger|reunie?s?|reunir|croisee?s?|rendez-vous|rdv|seance|entretien|reunion)\b"
)
HELP = _any(
    r"\bbesoin (?:d'|de |d'un |d'une )(?:aide|coup de main|soutien|accompagnement|conseils?|"
    r"appui|parler|en parler|echanger avec)\b",
    r"\baidez-moi\b|\bau secours\b|\ba l'aide\b|\baide svp\b|\bdemande d'aide\b",
    r"\bje (?:souhaite|souhaiterais|voudrais|veux) (?:de l'aide|etre aidee?|parler a)\b",
)
NO_HELP = re.compile(
    r"\b(?:pas|plus|aucun|sans|n'ai|n'avons|ne) (?:\S+ )?(?:de |d')?besoin\b|\bpas besoin\b"
)
HELP_DOUBT = re.compile(
    r"\bsi (?:besoin|necessaire|j'ai)\b|\ben cas\b|\bau cas\b|\bpeut-etre\b|\bsais pas\b"
    r"|\bpas sure?\b|\bjusqu'|\bde retour\b|\bmessagerie\b|\bout of\b"
)

# --- invitations -------------------------------------------------------------------------
YES = _any(
    r"^(?:oui|yes|bien sur|absolument)\b",
    r"\bje viendrai\b|\bj'y serai\b|\bje participerai\b|\bje confirme\b|\bavec plaisir\b",
    r"\bje serai (?:bien )?(?:la|presente?|des votres|de la partie|ravie? d'y)\b",
    r"\bvolontiers\b|\bje suis disponible\b|\bcompte[zr]? sur moi\b|\binscrivez-moi\b",
    r"\bje m'inscris\b|\bok pour moi\b|\bc'est ok\b|\bc'est note,? je viendrai\b",
    r"^presente?$",
)
NO = _any(
    r"^(?:non|no)\b",
    r"\bindisponible\b|\bempechee?\b|\bmalheureusement\b|\bpas (?:disponible|dispo|libre)\b",
    r"\bje serai absente?\b|\babsente? (?:ce jour|a cette date|le \d)|\bje decline\b",
    r"\bdecliner\b|\bexcusez-moi\b|\bveuillez m'excuser\b|\bje vous prie de m'excuser\b",
    r"\bimpossible pour moi\b|\bje suis (?:deja )?prise?\b|\bdeja prise?\b",
)
# « je ne pourrai pas (venir) », « je ne serai pas là », « je ne viendrai pas »…
_ADV = r"(?:\S+ )?"
NO_VERB = _any(
    rf"\bje (?:ne |n'){_ADV}(?:pourrai|pourrais|peux|vais pouvoir) {_ADV}(?:pas|plus)"
    r"(?: (?:venir|etre la|etre presente?|participer|assister|me liberer|m'y rendre|y aller"
    r"|y etre|y assister|y participer|etre des votres)\b|$)",
    rf"\bje (?:ne |n'){_ADV}(?:serai|serais|suis) {_ADV}pas (?:la|presente?|disponible|libre"
    r"|des votres|de la partie)\b",
    rf"\bje (?:ne |n'){_ADV}(?:viendrai|participerai|assisterai) {_ADV}pas\b",
    rf"\bje (?:ne |n'){_ADV}(?:pense|crois) pas (?:venir|pouvoir venir|pouvoir etre la)\b",
)
