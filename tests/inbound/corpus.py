"""A labelled corpus of French replies, as mail clients send them.

Each reply is (the words a person typed, what a careful reader records): « vu », « pas-vu »,
« aide » for a check-in, « oui », « non » for an invitation, None when a person must read it.
`messages()` wraps each one in a mail client's quoting (Outlook, Gmail, Thunderbird, Apple
Mail, Zimbra, phones, signatures), in turn, so every client carries every kind of reply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import SMTP

CHECKIN: list[tuple[str, str | None]] = [
    # Met, in many phrasings.
    ("Oui", "vu"),
    ("oui", "vu"),
    ("Oui !", "vu"),
    ("Oui, on s’est vus mardi.", "vu"),
    ("Oui, nous nous sommes rencontrés le 4 novembre.", "vu"),
    ("On s’est vus la semaine dernière.", "vu"),
    ("Nous nous sommes vues jeudi au café, tout se passe bien.", "vu"),
    ("Oui, nous avons eu notre rendez-vous mensuel.", "vu"),
    ("Nous avons échangé par téléphone le 10.", "vu"),
    ("C’est fait !", "vu"),
    ("Oui c’est fait, rencontre le 3 en visio.", "vu"),
    ("Le rendez-vous a eu lieu mardi.", "vu"),
    ("Notre séance s’est bien déroulée lundi.", "vu"),
    ("J’ai vu ma mentorée vendredi.", "vu"),
    ("Je l’ai rencontrée hier, c’était très riche.", "vu"),
    ("Oui, deux fois ce mois-ci.", "vu"),
    ("Tout à fait, nous nous sommes retrouvés au restaurant administratif.", "vu"),
    ("Bien sûr, on s’est appelés lundi.", "vu"),
    ("Oui oui, on s’est vu.", "vu"),
    ("Vus !", "vu"),
    ("Nous avons pu nous voir le 12.", "vu"),
    ("On a eu une visio d’une heure jeudi.", "vu"),
    ("Oui, rendez-vous fait le 8.", "vu"),
    ("Bonne journée ! Oui on s’est vus.", "vu"),
    ("Le rendez-vous a eu lieu mardi, il m’a écrit :", "vu"),
    ("Bonjour,\n\noui nous nous sommes vus.\n\nMerci, bonne journée", "vu"),
    ("Bonjour Madame,\nOui, la rencontre a eu lieu le 5 novembre.\nCordialement", "vu"),
    ("Yes", "vu"),
    ("Oui, nous nous sommes parlé longuement.", "vu"),
    ("Effectivement, nous nous sommes vus le 2.", "vu"),
    ("Oui. Pas de souci, tout va bien.", "vu"),
    ("Oui, pas besoin d’aide, tout va bien.", "vu"),
    ("Merci pour le rappel. Oui on s’est vus lundi.", "vu"),
    ("Oui\n\nAlice", "vu"),
    ("Oui, on s’est rencontrés au ministère et on a fait le point sur son projet.", "vu"),
    ("Je n’ai pas besoin d’aide pour l’instant. Nous nous sommes vus le 6.", "vu"),
    ("Bonjour, c’est fait, nous nous sommes vus le 9. Bonne soirée", "vu"),
    ("oui on s est vus", "vu"),
    ("OUI", "vu"),
    ("Oui, la séance a bien eu lieu.", "vu"),
    ("Nous nous sommes retrouvées en visio, c’était bien.", "vu"),
    ("Oui, on a pu se voir jeudi dernier.", "vu"),
    ("Rencontre faite le 7 novembre.", "vu"),
    ("Oui, merci !", "vu"),
    ("Affirmatif, nous nous sommes vus le 15.", "vu"),
    # Not met.
    ("Non", "pas-vu"),
    ("Non.", "pas-vu"),
    ("Pas encore.", "pas-vu"),
    ("Pas encore !", "pas-vu"),
    ("Non, pas ce mois-ci.", "pas-vu"),
    ("Nous ne nous sommes pas vus ce mois-ci.", "pas-vu"),
    ("On ne s’est pas encore vus.", "pas-vu"),
    ("Nous n’avons pas pu nous voir, il était en congé.", "pas-vu"),
    ("Non, le rendez-vous a été reporté au 20.", "pas-vu"),
    ("Notre rencontre a été annulée, on se voit le mois prochain.", "pas-vu"),
    ("Pas ce mois-ci, nous étions tous les deux très pris.", "pas-vu"),
    ("Toujours pas.", "pas-vu"),
    ("Non, pas eu le temps.", "pas-vu"),
    ("Je ne l’ai pas vue ce mois-ci.", "pas-vu"),
    ("Nous n’avons pas eu de rencontre ce mois-ci.", "pas-vu"),
    ("Aucune rencontre ce mois-ci.", "pas-vu"),
    ("Non, on n’a pas eu l’occasion de se voir.", "pas-vu"),
    ("Pas de rendez-vous en novembre.", "pas-vu"),
    ("Non, c’est décalé à décembre.", "pas-vu"),
    ("Négatif, pas encore vus.", "pas-vu"),
    ("Pas vus ce mois-ci, désolée.", "pas-vu"),
    ("Bonjour,\nnon nous ne nous sommes pas encore rencontrés.\nCordialement,\nPaul", "pas-vu"),
    ("non", "pas-vu"),
    ("Pas encore, c’est prévu pour le 28.", "pas-vu"),
    ("Nous ne nous sommes pas rencontrés ce mois-ci.", "pas-vu"),
    ("C’est reporté au mois prochain.", "pas-vu"),
    ("On n’a pas pu se voir ce mois-ci.", "pas-vu"),
    # A request for help: recorded as such, whatever else the reply says.
    ("Besoin d’aide", "aide"),
    ("besoin d’aide : nous n’arrivons pas à nous voir.", "aide"),
    ("J’ai besoin d’aide, mon mentor ne répond plus.", "aide"),
    ("Nous aurions besoin d’un coup de main pour organiser nos rencontres.", "aide"),
    ("Oui on s’est vus, mais j’aurais besoin d’aide pour la suite.", "aide"),
    ("Je souhaiterais parler à la référente, la relation est difficile.", "aide"),
    ("Besoin d’aide svp, pouvez-vous m’appeler ?", "aide"),
    ("Aidez-moi, je ne sais plus quoi faire avec mon mentoré.", "aide"),
    ("J’ai besoin de soutien, c’est compliqué en ce moment.", "aide"),
    ("Bonjour, j’ai besoin d’en parler à quelqu’un. Merci", "aide"),
    # A person must read these.
    ("Si besoin je reviendrai vers vous. Oui on s’est vus.", "vu"),  # read as unclear
    ("Je ne sais pas.", None),
    ("Je ne sais pas trop, on s’est croisés à une réunion.", None),
    ("Je ne comprends pas ce message.", None),
    ("Je ne comprends pas, de quel programme s’agit-il ?", None),
    ("Je ne suis plus dans le programme.", None),
    ("Je ne fais plus partie du programme depuis septembre.", None),
    ("J’ai quitté le ministère, merci de me retirer de la liste.", None),
    ("Merci", None),
    ("Merci beaucoup !", None),
    ("Merci pour votre message, bonne journée.", None),
    ("Qui est ma mentore ?", None),
    ("C’est quoi ce message ?", None),
    ("Oui mais pas encore ce mois-ci, on verra.", None),
    ("Oui et non : on s’est appelés mais pas vus.", None),
    ("On s’est vus une fois mais il annule tout le temps.", None),
    ("Peut-être la semaine prochaine.", None),
    ("Je vous rappelle demain.", None),
    ("Je suis absente jusqu’au 15 novembre et n’aurai pas accès à ma messagerie.", None),
    ("Bonjour, je suis actuellement en congés. Je traiterai votre message à mon retour.", None),
    (
        "Je suis absent du bureau du 8 au 19 novembre inclus. En cas d’urgence, contactez "
        "le secrétariat.",
        None,
    ),
    (
        "Bonjour,\nje serai absente jusqu’au lundi 15 novembre, je n’aurai pas accès à ma "
        "messagerie. Oui, je lirai votre message à mon retour.",
        None,
    ),
    ("I am out of the office until November 15th with limited access to email.", None),
    ("Thank you for your message. I am currently away and will be back on Monday.", None),
    ("Je suis en arrêt maladie, je reviendrai vers vous.", None),
    ("Mon mentor a arrêté le programme.", None),
    ("Nous avons arrêté le mentorat d’un commun accord.", None),
    ("Je ne pourrai pas répondre avant la fin du mois.", None),
    ("Pas de nouvelles de mon mentoré depuis septembre.", None),
    ("?", None),
    ("Est-ce que la visio compte ?", None),
    ("On s’est vus, enfin je crois.", None),
    ("Non, je ne suis plus dans le programme.", None),
    ("Oui, je souhaite arrêter.", None),
    ("Oui merci, par contre je n’ai pas reçu le lien.", None),
    ("Ce n’est pas la bonne personne, je ne connais pas ce mentor.", None),
    ("Reçu, merci.", None),
    ("Bien reçu.", None),
    ("Désolée pour le retard de ma réponse.", None),
    ("Je n’ai pas compris la question.", None),
    ("Pourquoi me demandez-vous cela ?", None),
    ("Un peu, on s’est croisés.", None),
    ("Je ne suis pas concernée.", None),
    ("Oui, enfin non, pas vraiment.", None),
    ("Je n’ai plus de mentor.", None),
    ("Oui. Non en fait, c’était le mois dernier.", None),
    ("Je ne sais pas si j’ai besoin d’aide.", None),
    ("Pas besoin d’aide.", None),
    ("Nous sommes en contact par courriel.", None),
    ("Il ne m’a jamais répondu.", None),
    ("Je ne l’ai jamais rencontré, qui est-ce ?", None),
    ("Réponse automatique : je suis en vacances.", None),
    # Written as a second round, to attack the reader (see the report in test_corpus.py).
    ("Oui, mais seulement par téléphone.", None),
    ("On s’est vus ? Non.", None),
    ("Nous nous sommes vus, il ne va pas bien.", None),
    ("Oui, il va mieux.", "vu"),
    ("Pas encore vus mais c’est prévu.", "pas-vu"),
    ("Non merci, je ne souhaite pas continuer.", None),
    ("Non, nous avons décidé d’arrêter.", None),
    ("Je n’ai pas vu mon mentor depuis deux mois.", "pas-vu"),
    ("Je n’ai pas vu votre précédent message.", None),
    ("Oui c’est noté.", None),
    ("Oui, je vais le faire.", None),
    ("Oui, on doit se voir la semaine prochaine.", None),
    ("Oui pour le mois prochain.", None),
    ("Non pas du tout, tout va bien.", None),
    ("Non, je n’ai pas besoin d’aide.", None),
    ("Oui ça va merci", None),
    ("On s’est vus, il a démissionné.", None),
    ("Oui (en visio).", "vu"),
    ("Oui, le 3 et le 17.", "vu"),
    ("Oui je crois", None),
    ("Oui on se voit demain.", None),
    ("Nous allons nous voir jeudi.", None),
]

RSVP: list[tuple[str, str | None]] = [
    ("Je viendrai.", "oui"),
    ("Oui", "oui"),
    ("Oui, je serai présente.", "oui"),
    ("Avec plaisir !", "oui"),
    ("J’y serai.", "oui"),
    ("Je participerai volontiers.", "oui"),
    ("Je confirme ma présence.", "oui"),
    ("Présent.", "oui"),
    ("Comptez sur moi !", "oui"),
    ("Oui, avec plaisir, merci pour l’invitation.", "oui"),
    ("Bonjour,\nje serai là.\nCordialement", "oui"),
    ("Inscrivez-moi, merci.", "oui"),
    ("Volontiers.", "oui"),
    ("Je suis disponible, je viendrai.", "oui"),
    ("Ok pour moi.", "oui"),
    ("Bien sûr, je serai des vôtres.", "oui"),
    ("Bonne journée ! Je viendrai.", "oui"),
    ("Je viendrai avec plaisir.", "oui"),
    ("Oui je participerai.", "oui"),
    ("Non", "non"),
    ("Non merci.", "non"),
    ("Je ne pourrai pas venir.", "non"),
    ("Je ne pourrai pas venir, désolée.", "non"),
    ("Je ne serai pas présente.", "non"),
    ("Malheureusement je suis en déplacement ce jour-là.", "non"),
    ("Indisponible ce jour-là, désolé.", "non"),
    ("Je suis déjà prise le 14.", "non"),
    ("Je ne serai pas disponible.", "non"),
    ("Empêchée, je vous prie de m’excuser.", "non"),
    ("Je dois décliner, merci.", "non"),
    ("Je ne viendrai pas.", "non"),
    ("Je serai absente ce jour-là.", "non"),
    ("Impossible pour moi, désolé.", "non"),
    ("Non, je ne pourrai pas me libérer.", "non"),
    ("Peut-être", None),
    ("Oui mais je ne pourrai pas rester jusqu’à la fin.", None),
    ("Je serai en retard, est-ce grave ?", None),
    ("Je ne sais pas encore.", None),
    ("Je vous confirme la semaine prochaine.", None),
    ("Quelle est l’adresse ?", None),
    ("Merci pour l’invitation.", None),
    ("Je suis absente jusqu’au 20 novembre sans accès à ma messagerie.", None),
    ("Out of office: I am away until Monday.", None),
    ("Un collègue viendra à ma place.", None),
    ("Je viendrai sous réserve de l’accord de ma hiérarchie.", None),
    ("Je ne suis plus mentor dans le programme.", None),
    ("Je ne comprends pas cette invitation.", None),
    ("Oui ou non, je ne sais pas.", None),
    ("Je viendrai si possible.", None),
    ("Merci", None),
    # Second round.
    ("Oui, je ne viendrai pas.", None),
    ("Je viendrai pas.", None),
    ("Je serai là en visio.", "oui"),
    ("Je ne serai là que le matin.", None),
    ("Je viendrai, sauf imprévu.", None),
    ("Je pense venir.", None),
    ("Présente, mais en retard.", None),
    ("Oui, mon binôme ne pourra pas venir.", None),
    ("Non, je viendrai.", None),
    ("Je ne pourrai malheureusement pas venir.", "non"),
    ("C’est noté, merci.", None),
    ("Oui c’est noté.", None),
]

ORIGINAL = (
    "Bonjour Alice,\n\nVoici le point mensuel du 2e mois de votre mentorat.\n"
    "Vous êtes-vous rencontrés ce mois-ci ?\n\nOui, nous nous sommes vus : https://m.fr/r/x\n"
    "Pas encore : https://m.fr/r/y\nBesoin d’aide : https://m.fr/r/z\n\nMentorat"
)
_QUOTED = "\n".join("> " + line for line in ORIGINAL.splitlines())
_HEADER_FR = (
    "De : Mentorat <mentorat@justice.exemple.fr>\nEnvoyé : lundi 8 novembre 2027 09:00\n"
    "À : Alice Martin <alice.martin@justice.exemple.fr>\nObjet : Point mensuel\n\n"
)


def _outlook(answer: str) -> str:
    return f"{answer}\n\n________________________________\n{_HEADER_FR}{ORIGINAL}\n"


def _outlook_signature(answer: str) -> str:
    return (
        f"{answer}\n\nCordialement,\n\nAlice Martin\nBureau des congés et absences\n"
        f"Tél. 01 23 45 67 89\n\n{_HEADER_FR}{ORIGINAL}\n"
    )


def _gmail(answer: str) -> str:
    return (
        f"{answer}\n\nLe lun. 8 nov. 2027 à 09:00, Mentorat <mentorat@justice.exemple.fr> a\n"
        f"écrit :\n\n{_QUOTED}\n"
    )


def _thunderbird_below(answer: str) -> str:
    return (
        f"Le 08/11/2027 à 09:00, Mentorat a écrit :\n{_QUOTED}\n\n{answer}\n\n-- \nAlice Martin\n"
    )


def _thunderbird_above(answer: str) -> str:
    return f"{answer}\n\nLe 08/11/2027 à 09:00, Mentorat a écrit :\n{_QUOTED}\n"


def _apple_mail(answer: str) -> str:
    return (
        f"{answer}\n\nEnvoyé de mon iPhone\n\n> Le 8 nov. 2027 à 09:00, Mentorat "
        f"<mentorat@justice.exemple.fr> a écrit :\n> \n{_QUOTED}\n"
    )


def _zimbra(answer: str) -> str:
    return (
        f'{answer}\n\n----- Mail original -----\nDe: "Mentorat" <mentorat@justice.exemple.fr>\n'
        f'À: "Alice Martin" <alice.martin@justice.exemple.fr>\n'
        f"Envoyé: Lundi 8 Novembre 2027 09:00:00\nObjet: Point mensuel\n\n{ORIGINAL}\n"
    )


def _android(answer: str) -> str:
    return (
        f"{answer}\n\nEnvoyé depuis mon smartphone Samsung Galaxy.\n\n"
        f"-------- Message d'origine --------\n{_HEADER_FR}{ORIGINAL}\n"
    )


def _outlook_mobile(answer: str) -> str:
    rule = "_" * 32
    return f"{answer}\n\nObtenir Outlook pour iOS\n{rule}\n{_HEADER_FR}{ORIGINAL}\n"


def _signature(answer: str) -> str:
    return (
        f"{answer}\n\n-- \nAlice Martin\nCheffe du bureau des ressources humaines\n"
        f"Direction des services judiciaires\n\nLe lun. 8 nov. 2027 à 09:00, Mentorat "
        f"<mentorat@justice.exemple.fr> a écrit :\n{_QUOTED}\n"
    )


def _english_client(answer: str) -> str:
    attribution = "On Mon, Nov 8, 2027 at 9:00 AM Mentorat <m@justice.exemple.fr> wrote:"
    return f"{answer}\n\n{attribution}\n{_QUOTED}\n"


def _plain(answer: str) -> str:
    return answer


CLIENTS: dict[str, Callable[[str], str]] = {
    "outlook": _outlook,
    "outlook-signature": _outlook_signature,
    "gmail": _gmail,
    "thunderbird-above": _thunderbird_above,
    "thunderbird-below": _thunderbird_below,
    "apple-mail": _apple_mail,
    "zimbra": _zimbra,
    "android": _android,
    "outlook-mobile": _outlook_mobile,
    "signature": _signature,
    "english-client": _english_client,
    "plain": _plain,
    "html": _plain,  # sent as an HTML part only, with a blockquote
}


def _html(answer: str) -> str:
    paragraphs = "".join(f"<div>{line or '<br>'}</div>" for line in answer.split("\n"))
    return (
        f'<html><body><div dir="ltr">{paragraphs}</div><div class="gmail_quote">'
        f"<div>Le lun. 8 nov. 2027 à 09:00, Mentorat a écrit :</div>"
        f"<blockquote>{ORIGINAL.replace(chr(10), '<br>')}</blockquote></div></body></html>"
    )


def raw_reply(client: str, answer: str) -> bytes:
    message = EmailMessage()
    message["From"] = "alice.martin@justice.exemple.fr"
    message["To"] = "mentorat@justice.exemple.fr"
    message["Subject"] = "RE: Point mensuel"
    if client == "html":
        message.set_content(_html(answer), subtype="html")
    else:
        message.set_content(CLIENTS[client](answer))
    return message.as_bytes(policy=SMTP)


def messages() -> Iterator[tuple[str, str, str, str | None, bytes]]:
    """(purpose, client, words, label, raw message) for every reply of the corpus."""
    names = list(CLIENTS)
    entries = [("checkin", *e) for e in CHECKIN] + [("rsvp", *e) for e in RSVP]
    for index, (purpose, words, label) in enumerate(entries):
        client = names[index % len(names)]
        yield purpose, client, words, label, raw_reply(client, words)
