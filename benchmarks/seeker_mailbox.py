"""A job seeker's mailbox for benchmarks: French everyday mail, 5 % job mail.

Job mail is the labelled evidence of `tests/corpus` (kind other than `none`)
with fresh Message-IDs, the seeker's own applications in Sent. The rest is what
fills a real French mailbox, with realistic sizes (deterministic for a seed),
and speaks the words job mail speaks — "offre", "rendez-vous", "entretien",
"candidature", "dossier" — about other things: the boiler's yearly service, a
doctor's appointment, Christmas offers, France Travail's own notices.

| share | what | size |
| ---: | --- | --- |
| 28 % | long HTML newsletters and promotions (List-Unsubscribe): shops, energy, garages | 30–120 KB |
| 20 % | notices: bank, CAF, France Travail, Ameli, Doctolib, taxes, parcels; 1 in 4 a PDF | 5–20 KB, PDF 30–150 KB |
| 15 % | personal mail from family and friends (plain), 1 in 6 with a photo | 1–5 KB, photos 0.2–1.4 MB |
| 10 % | invoices and receipts, PDF attached | 60–300 KB |
| 10 % | job alerts from job boards (a job seeker gets many) | 10–40 KB |
| 12 % | the seeker's own personal mail, in Sent, 1 in 10 with a document | 1–5 KB |
|  5 % | association mailing lists (List-Id), plain | 2–8 KB |
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SEEKER = "lea.martin@gmail.com"
KB = 1024
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(rb"^From:[^\r\n]*", re.IGNORECASE | re.MULTILINE)
_WORDS = ("semaine", "projet", "photos", "week-end", "merci", "demain", "soir", "famille", "vacances", "train",
          "voiture", "repas", "anniversaire", "jardin", "livre", "film", "musique", "match", "courses", "maison")
#: Everyday French that uses the words of job mail about something else.
_PERSONAL = (
    "On se donne rendez-vous samedi devant la gare, vers 14 h ?",
    "J'ai rendez-vous chez le dentiste mardi, je t'appelle après.",
    "Le chauffagiste passe jeudi pour l'entretien de la chaudière, tu pourras être là ?",
    "Merci pour les photos du week-end, elles sont superbes !",
    "Maman demande si vous venez dimanche pour le repas de famille.",
    "J'ai vu une offre pour le Portugal en juin, ça te dirait ?",
    "Le garage a fait l'entretien de la voiture, il reste les pneus à changer.",
    "Tu as pensé au dossier pour l'inscription au club de foot des enfants ?",
    "Bisous, et bon courage pour la semaine !",
    "Je te renvoie le lien pour la cagnotte de l'anniversaire de Julie.",
    "Le rendez-vous chez le pédiatre est décalé à 17 h 30.",
    "On a eu un entretien avec la maîtresse, tout va bien pour Léo.",
)
#: (sender, domain, subjects, paragraphs) of newsletters and promotions.
_SHOPS = (
    ("Darty", "darty.com", ("Offres de Noël : jusqu'à -40 % sur le gros électroménager",
                            "Dernière chance : l'offre se termine ce soir", "Votre offre exclusive membre"),
     ("Profitez de nos offres de Noël sur une sélection de lave-linge, réfrigérateurs et téléviseurs.",
      "Prenez rendez-vous en magasin avec un conseiller pour choisir votre nouvel équipement.",
      "Contrat d'entretien Darty Max : vos appareils réparés à domicile, offre valable jusqu'au 31 décembre.")),
    ("Engie", "engie.fr", ("Entretien annuel de votre chaudière : prenez rendez-vous",
                           "Votre offre d'électricité verte à prix fixe",
                           "Rendez-vous entretien : plus que 3 créneaux"),
     ("L'entretien annuel de votre chaudière est obligatoire : un technicien certifié vient chez vous.",
      "Choisissez votre rendez-vous en ligne, du lundi au samedi, sans frais de déplacement.",
      "Nouvelle offre : -15 % sur le kWh HT pendant un an pour toute souscription avant le 15 janvier.")),
    ("Norauto", "norauto.fr", ("Votre entretien auto à -20 % ce mois-ci", "Rendez-vous atelier : réservez en ligne",
                               "Offre pneus hiver : 4 pneus montés au prix de 3"),
     ("Vidange, freins, climatisation : l'entretien de votre véhicule en moins d'une heure.",
      "Prenez rendez-vous dans le centre le plus proche et gagnez du temps.",
      "Offre valable sur présentation de ce mail, non cumulable avec d'autres promotions en cours.")),
    ("Leroy Merlin", "leroymerlin.fr", ("Les offres de la semaine pour votre maison",
                                        "Atelier bricolage : inscrivez-vous",
                                        "Offres de Noël : décorations et luminaires"),
     ("Découvrez nos offres sur la peinture, l'outillage et le jardin, en magasin et en ligne.",
      "Rendez-vous avec un conseiller cuisine pour concevoir votre projet en 3D, gratuitement.",
      "Entretien du jardin : tondeuses, taille-haies et souffleurs à prix réduits.")),
    ("SNCF Connect", "sncf-connect.com", ("Vos billets de Noël à petit prix",
                                          "Offre Carte Avantage : -30 % toute l'année",
                                          "Rendez-vous en gare : nouveautés de l'hiver"),
     ("Réservez dès maintenant vos trajets pour les fêtes : les meilleures offres partent vite.",
      "Avec la Carte Avantage, profitez d'une offre à -30 % sur tous vos trajets en TGV INOUI.",
      "Rendez-vous sur l'application pour suivre votre train en temps réel.")),
    ("Fnac", "fnac.com", ("Offres adhérents : 10 € offerts dès 50 € d'achat", "Idées cadeaux de Noël",
                          "Rendez-vous dédicace samedi en magasin"),
     ("Livres, musique, high-tech : les offres de Noël sont arrivées pour les adhérents.",
      "Retrouvez nos rendez-vous culturels : dédicaces, concerts et ateliers pour les enfants.",
      "Garantie et entretien de vos appareils : découvrez nos services après-vente.")),
    ("Carrefour", "carrefour.fr", ("Vos offres personnalisées de la semaine",
                                   "Catalogue de Noël : foie gras, chocolats",
                                   "Offre fidélité : cagnotte doublée"),
     ("Vos offres personnalisées sont disponibles sur votre carte fidélité jusqu'à dimanche.",
      "Rendez-vous au rayon traiteur pour commander vos plateaux de fêtes.",
      "Livraison à domicile offerte dès 80 € d'achat avec le code NOEL.")),
)
#: (sender, address, subjects, paragraphs) of notifications; one in four carries a PDF.
_NOTICES = (
    ("France Travail", "ne-pas-repondre@francetravail.fr",
     ("Actualisation : pensez à vous actualiser avant le 15", "Votre rendez-vous avec votre conseiller",
      "Un nouveau document est disponible dans votre espace", "Votre attestation employeur est disponible"),
     ("Vous devez vous actualiser chaque mois, même si votre situation n'a pas changé.",
      "Rendez-vous le 12 à 9 h 30 dans votre agence pour un entretien de suivi avec votre conseiller.",
      "Un courrier concernant votre dossier est disponible dans votre espace personnel.")),
    ("CAF", "ne-pas-repondre@caf.fr",
     ("Votre attestation de paiement", "Déclaration trimestrielle de ressources", "Votre dossier a été mis à jour"),
     ("Votre attestation de paiement est disponible dans l'espace Mon Compte.",
      "Pensez à déclarer vos ressources du trimestre pour continuer à percevoir vos prestations.",
      "Prenez rendez-vous en ligne avec un conseiller de votre CAF si vous avez une question.")),
    ("Crédit Agricole", "no-reply@credit-agricole.fr",
     ("Votre relevé de compte est disponible", "Nouvelle connexion à votre espace", "Offre de prêt personnel"),
     ("Votre relevé de compte du mois est disponible dans votre espace client.",
      "Votre conseiller vous propose un rendez-vous pour faire le point sur vos projets.",
      "Découvrez notre offre de prêt travaux à taux préférentiel, sous réserve d'acceptation.")),
    ("Ameli", "ne-pas-repondre@assurance-maladie.fr",
     ("Votre remboursement", "Un message vous attend", "Votre attestation de droits"),
     ("Un remboursement de 25,00 € a été effectué sur votre compte bancaire.",
      "Examen de prévention santé : prenez rendez-vous gratuitement dans un centre proche de chez vous.",
      "Votre attestation de droits est disponible au format PDF.")),
    ("Doctolib", "no-reply@doctolib.fr",
     ("Confirmation de votre rendez-vous", "Rappel : rendez-vous demain à 10 h 15", "Votre rendez-vous est annulé"),
     ("Votre rendez-vous avec le Dr Lefèvre, médecin généraliste, est confirmé.",
      "Pensez à apporter votre carte Vitale et votre ordonnance.",
      "Vous pouvez déplacer ou annuler votre rendez-vous jusqu'à 24 h à l'avance.")),
    ("impots.gouv.fr", "ne-pas-repondre@dgfip.finances.gouv.fr",
     ("Votre avis d'impôt est disponible", "Déclaration en ligne : c'est le moment"),
     ("Votre avis d'impôt sur le revenu est disponible dans votre espace particulier.",
      "Vous pouvez prendre rendez-vous avec votre centre des finances publiques.",
      "Un nouveau message concernant votre dossier est arrivé dans votre messagerie sécurisée.")),
    ("La Poste", "noreply@laposte.fr",
     ("Votre colis est en route", "Votre colis vous attend en bureau de poste", "Avis de passage"),
     ("Votre colis sera livré demain entre 9 h et 13 h.", "Choisissez un autre rendez-vous de livraison en ligne.",
      "Offre : envoyez vos colis de Noël au tarif réduit jusqu'au 20 décembre.")),
)
_LISTS = (("Club rando", "randonnee.lists.example", "sortie du"), ("APE école Jules Ferry", "ape-ferry.lists.example",
          "kermesse et rendez-vous des parents"), ("Chorale du quartier", "chorale.lists.example", "répétition"))


@dataclass(frozen=True)
class Mail:
    folder: str
    raw: bytes
    job: bool


def evidence() -> list[tuple[bool, bytes]]:
    """(sent by the seeker, bytes) of every labelled evidence message."""
    import json

    found = []
    for labels in sorted(CORPUS.rglob("labels.jsonl")):
        for line in labels.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label["kind"] != "none":
                raw = (labels.parent / label["file"]).read_bytes()
                sender = _FROM.search(raw)
                own = bool(sender) and any(me.encode() in sender.group().lower() for me in label["me"])
                found.append((own, raw))
    return found


def with_message_id(raw: bytes, message_id: str) -> bytes:
    return f"Message-ID: <{message_id}>\r\n".encode() + _MESSAGE_ID.sub(b"", raw, count=1)


def mailbox(total: int = 10_000, job_share: float = 0.05, seed: int = 1) -> Iterator[Mail]:
    """`total` messages, `job_share` of them job mail, in a shuffled but stable order."""
    rng = random.Random(seed)
    jobs = evidence()
    count = round(total * job_share)
    kinds = [kind for kind, share in _NOISE for _ in range(round(share * (total - count) / 100))]
    kinds = (kinds + [_NOISE[0][0]] * total)[: total - count] + [None] * count
    rng.shuffle(kinds)
    when = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for index, kind in enumerate(kinds):
        when += timedelta(minutes=rng.randint(5, 90))
        if kind is None:
            own, raw = jobs[index % len(jobs)]
            yield Mail("Sent" if own else "INBOX", with_message_id(raw, f"job-{seed}-{index}@bench.example"), True)
        else:
            folder, raw = kind(rng, index, when)
            yield Mail(folder, raw, False)


# -- ordinary mail --------------------------------------------------------------------------


def _message(sender: str, to: str, subject: str, when: datetime, index: int, headers: str, body: bytes,
             content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {format_datetime(when)}\r\n"
            f"Message-ID: <noise-{index}@bench.example>\r\nMIME-Version: 1.0\r\n{headers}"
            f"Content-Type: {content_type}\r\n\r\n")
    return head.encode() + body


def _text(rng: random.Random, size: int) -> bytes:
    """Plain personal French, some of its sentences about appointments and offers."""
    lines, length = [], 0
    while length < size:
        line = rng.choice(_PERSONAL) if rng.random() < 0.3 else " ".join(rng.choice(_WORDS) for _ in range(12))
        lines.append(line)
        length += len(line.encode()) + 2
    return "\r\n".join(lines).encode() + b"\r\n"


def _html(rng: random.Random, size: int, paragraphs: tuple[str, ...] = ()) -> bytes:
    """A marketing or notice HTML body: styled table rows of offers and links, its paragraphs repeated."""
    rows, length = [], 0
    while length < size:
        link = f"https://www.example.fr/p/{rng.randint(1, 10**6)}?utm_source=newsletter&amp;utm_medium=email"
        text = rng.choice(paragraphs) if paragraphs and rng.random() < 0.5 else \
            f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} à -{rng.randint(10, 70)} %"
        rows.append(f'<tr><td style="padding:12px 24px;font-family:Arial,Helvetica,sans-serif;font-size:14px;'
                    f'color:#333333;line-height:20px"><a href="{link}" style="color:#0055a4;text-decoration:none">'
                    f"{text}</a></td></tr>\r\n")
        length += len(rows[-1])
    return (b'<html><head><meta charset="utf-8"><style>td{font-family:Arial}</style></head><body>'
            b'<table width="600" cellpadding="0" cellspacing="0" align="center">\r\n' + "".join(rows).encode()
            + b"</table></body></html>\r\n")


def _with_attachment(text: bytes, name: str, ctype: str, data: bytes,
                     text_type: str = "text/plain") -> tuple[str, bytes]:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    body = (f"--MIX\r\nContent-Type: {text_type}; charset=utf-8\r\n\r\n".encode() + text +
            f"--MIX\r\nContent-Type: {ctype}; name={name}\r\nContent-Disposition: attachment; filename={name}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n".encode() + encoded + b"--MIX--\r\n")
    return 'multipart/mixed; boundary="MIX"', body


def _subject(text: str) -> str:
    """An RFC 2047 subject, as mailers send accented subjects."""
    return Header(text, "utf-8").encode()


def newsletter(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    name, domain, subjects, paragraphs = rng.choice(_SHOPS)
    headers = f"List-Unsubscribe: <https://{domain}/desabonnement/{index}>\r\nList-Id: <news.{domain}>\r\n"
    return "INBOX", _message(f"{_subject(name)} <newsletter@{domain}>", SEEKER, _subject(rng.choice(subjects)), when,
                             index, headers, _html(rng, rng.randint(30, 120) * KB, paragraphs),
                             "text/html; charset=utf-8")


def notification(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    name, sender, subjects, paragraphs = rng.choice(_NOTICES)
    body, ctype = _html(rng, rng.randint(5, 20) * KB, paragraphs), "text/html; charset=utf-8"
    if rng.random() < 0.25:
        ctype, body = _with_attachment(body, f"document-{index}.pdf", "application/pdf",
                                       rng.randbytes(rng.randint(30, 150) * KB), "text/html")
    return "INBOX", _message(f"{_subject(name)} <{sender}>", SEEKER, _subject(rng.choice(subjects)), when, index, "",
                             body, ctype)


def personal(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    friend = rng.choice(("camille.roux@gmail.com", "hugo.petit@yahoo.fr", "maman.martin@orange.fr",
                         "julie.b@free.fr", "tom.l@hotmail.fr"))
    text = _text(rng, rng.randint(1, 5) * KB)
    subject = _subject(rng.choice(("Samedi", "Photos du week-end", "Rendez-vous dimanche ?", "Des nouvelles",
                                   "Re: l'entretien de la chaudière", "Anniversaire de Julie", "Vacances")))
    if rng.random() < 1 / 6:
        ctype, body = _with_attachment(text, "photo.jpg", "image/jpeg", rng.randbytes(rng.randint(200, 1400) * KB))
        return "INBOX", _message(friend, SEEKER, subject, when, index, "", body, ctype)
    return "INBOX", _message(friend, SEEKER, subject, when, index, "", text)


def invoice(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    company = rng.choice(("edf.fr", "free.fr", "sfr.fr", "totalenergies.fr", "maif.fr", "orange.fr"))
    ctype, body = _with_attachment(_text(rng, 2 * KB), f"facture-{index}.pdf", "application/pdf",
                                   rng.randbytes(rng.randint(60, 300) * KB))
    return "INBOX", _message(f"Service client <facturation@{company}>", SEEKER, _subject(f"Votre facture n°{index}"),
                             when, index, "", body, ctype)


def job_alert(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    board, sender = rng.choice((("Indeed", "alert@indeed.com"), ("LinkedIn", "jobalerts-noreply@linkedin.com"),
                                ("HelloWork", "alertes@hellowork.com"), ("APEC", "offres@apec.fr")))
    headers = f"List-Unsubscribe: <https://{sender.split('@')[1]}/u/{index}>\r\n"
    return "INBOX", _message(f"{board} <{sender}>", SEEKER, f"{rng.randint(3, 30)} nouvelles offres pour vous",
                             when, index, headers, _html(rng, rng.randint(10, 40) * KB), "text/html; charset=utf-8")


def sent_personal(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    friend = rng.choice(("camille.roux@gmail.com", "hugo.petit@yahoo.fr", "maman.martin@orange.fr"))
    text = _text(rng, rng.randint(1, 5) * KB)
    subject = _subject(rng.choice(("Re: Samedi", "Rendez-vous chez le médecin", "Re: Des nouvelles", "Covoiturage",
                                   "Le dossier de la cantine")))
    sender = f"{_subject('Léa Martin')} <{SEEKER}>"
    if rng.random() < 0.1:
        document = rng.randbytes(rng.randint(50, 500) * KB)
        ctype, body = _with_attachment(text, "document.pdf", "application/pdf", document)
        return "Sent", _message(sender, friend, subject, when, index, "", body, ctype)
    return "Sent", _message(sender, friend, subject, when, index, "", text)


def mailing_list(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    name, list_id, topic = rng.choice(_LISTS)
    headers = f"List-Id: <{list_id}>\r\nPrecedence: list\r\n"
    body = _text(rng, rng.randint(2, 8) * KB)
    return "INBOX", _message(f"{_subject(name)} <liste@{list_id}>", f"membres@{list_id}",
                             _subject(f"[{name}] {topic} du {when:%d/%m}"), when, index, headers, body)


_NOISE: tuple[tuple[Callable[[random.Random, int, datetime], tuple[str, bytes]], int], ...] = (
    (newsletter, 28), (notification, 20), (personal, 15), (invoice, 10), (job_alert, 10), (sent_personal, 12),
    (mailing_list, 5),
)
