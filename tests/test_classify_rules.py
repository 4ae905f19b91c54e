"""Table tests of the classification rules and of extraction."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from carnet.classify import classify
from carnet.classify.evaluate import load_labels
from carnet.classify.evidence import ApplicationType, Context, Kind
from carnet.classify.extract import clean_position
from carnet.classify.facts import read_facts
from carnet.classify.phrasebook import anchor
from carnet.classify.rules.chain import chain
from carnet.classify.tables import _bounded, lexicons
from carnet.classify.text import fold, split_body
from carnet.classify.triage import is_candidate
from carnet.ingest.message import Address, Message
from carnet.ingest.parse import parse_message

ME = "camille.durand@gmail.com"


def mail(sender: str, subject: str, body: str, *, to: str = ME,
         date_header: str = "Mon, 03 Mar 2025 10:00:00 +0100", attachment: str | None = None,
         headers: dict[str, str] | None = None) -> Message:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = date_header
    message["Message-ID"] = "<test@example.org>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if attachment:
        message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                               filename=attachment)
    return parse_message(message.as_bytes())


def incoming(sender: str, subject: str, body: str, **kwargs: object) -> Message:
    return mail(sender, subject, body, **kwargs)  # type: ignore[arg-type]


def run(message: Message, me: str = ME) -> tuple[str, str | None, str | None]:
    evidence = classify(message, Context(me=frozenset({me})))
    return evidence.kind.value, evidence.company, evidence.position


KIND_CASES = [
    # negation beside thanks: a rejection
    ("Acme Recrutement <rh@acme.fr>", "Votre candidature",
     "Merci pour votre candidature. Nous ne pouvons pas donner suite à votre candidature.",
     "rejection"),
    ("Acme Recrutement <rh@acme.fr>", "Votre candidature",
     "Nous avons bien reçu votre candidature et reviendrons vers vous.", "acknowledgement"),
    # negated interview phrase
    ("Acme RH <rh@acme.fr>", "Votre candidature",
     "Malheureusement, nous ne sommes pas en mesure de vous proposer un entretien.", "rejection"),
    # hedged interview: a promise, not an invitation
    ("Acme RH <rh@acme.fr>", "Candidature reçue",
     "Nous avons bien reçu votre candidature. Si votre profil correspond, nous vous "
     "proposerons un entretien.", "acknowledgement"),
    ("Acme RH <rh@acme.fr>", "Entretien",
     "Nous souhaiterions vous rencontrer. Quelles sont vos disponibilités la semaine prochaine ?",
     "interview"),
    ("Jane <jane@acme.com>", "Next steps",
     "We'd like to schedule a call with the hiring manager. Please share your availability.",
     "interview"),
    ("Acme <no-reply@acme.com>", "Your application",
     "Unfortunately, we have decided to move forward with other candidates.", "rejection"),
    ("Acme <hr@acme.com>", "Offer",
     "We are delighted to offer you the position. Your offer letter is attached.", "offer"),
    # job alert and marketing: none
    ("Indeed <alert@indeed.com>", "12 nouvelles offres Data Analyst",
     "12 nouvelles offres correspondant à votre recherche. Postulez maintenant !", "none"),
    ("LinkedIn <jobs-noreply@linkedin.com>", "Jobs you may be interested in",
     "New jobs you may be interested in. Apply now with Easy Apply.", "none"),
    ("Coach <news@coach.com>", "Préparez votre entretien",
     "Préparez votre entretien avec notre webinaire gratuit.", "none"),
    # job board confirmation: an application
    ("Indeed <indeedapply@indeed.com>", "Candidature envoyée",
     "Votre candidature a bien été envoyée à Acme.", "application"),
    # ATS confirmation: an acknowledgement
    ("Acme <noreply@myworkday.com>", "Thank you for applying",
     "Thank you for applying. We have received your application.", "acknowledgement"),
    # a delay notice asks to assume a rejection later: still an acknowledgement
    ("Vergers de Brume - Recrutement <ne-pas-repondre@beetween.com>", "Réception de votre candidature",
     "Nous avons bien reçu votre candidature au poste de cueilleur. Si vous n'avez pas de nouvelles de notre part "
     "dans un délai de 4 semaines, merci de considérer que nous ne pouvons pas donner une suite favorable à "
     "votre candidature.", "acknowledgement"),
    # an agency that will not put the seeker forward to its client
    ("Orlane RH <consultants@orlane-rh.fr>", "Votre candidature - Acheteur",
     "Notre client recherche un profil plus expérimenté ; nous ne sommes donc pas en mesure de présenter votre "
     "candidature.", "rejection"),
    # a job board's tip is no interview invitation
    ("LinkedIn <jobs-noreply@linkedin.com>", "Your application was sent to Quillmark",
     "Your application was sent to Quillmark\n\nNow, take these steps to stand out:\n"
     "- Prepare for your interview with AI-powered tips (Premium)", "application"),
    # onboarding after an accepted offer is no new offer
    ("Quillmark <notifications@app.bamboohr.com>", "Welcome aboard! A few things before your first day",
     "We're so excited you're joining Quillmark on Monday! Please complete these onboarding tasks before your "
     "start date.", "none"),
    # a revised offer after a negotiation
    ("Nora Vidal | Ferrolab <nora@ferrolab.io>", "Re: Proposition Ferrolab",
     "On peut monter la rémunération à 48 k€. Tu trouveras la lettre d'offre mise à jour en pièce jointe pour le "
     "poste de Développeur Go.", "offer"),
    # a small employer's text-message style invitation
    ("<atelier.morvanet@orange.fr>", "entretien",
     "Bjr, c Paul de l'atelier Morvanet. Jai eu ton cv pour la place de carrossier. Passe demain jeudi 10h à "
     "l'atelier qu'on discute.", "interview"),
    # a booking link to choose a slot
    ("Lina de Velarix <no-reply@hire.lever.co>", "Velarix x Camille : on s'appelle ?",
     "Merci pour ta candidature chez Velarix. Choisis le créneau qui te convient ici : "
     "https://calendly.example/lina/decouverte", "interview"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "kind"), KIND_CASES)
def test_kind(sender: str, subject: str, body: str, kind: str) -> None:
    assert run(incoming(sender, subject, body))[0] == kind


def test_quoted_history_does_not_decide() -> None:
    body = ("Merci, je suis disponible mardi.\n\nLe lun. 3 mars 2025 à 10:00, Acme <rh@acme.fr> "
            "a écrit :\n> Nous souhaiterions vous rencontrer pour un entretien.\n")
    message = mail(f"Camille <{ME}>", "Re: Entretien", body, to="rh@acme.fr")
    assert run(message)[0] == "none"


def test_outlook_header_block_is_quote() -> None:
    body = ("Bien noté, merci.\n\nDe : Acme <rh@acme.fr>\nEnvoyé : lundi 3 mars 2025\n"
            "À : Camille\nObjet : Entretien\n\nNous avons le plaisir de vous proposer le poste.")
    kept = split_body(body, lexicons()[0].quote_starts, lexicons()[0].signature_starts)
    assert "plaisir" not in kept.full


def test_signature_is_cut_for_deciding_but_kept_for_extraction() -> None:
    body = "Merci pour votre candidature.\n\nCordialement,\nL'équipe recrutement Acme"
    kept = split_body(body, lexicons()[0].quote_starts, lexicons()[0].signature_starts)
    assert "Acme" not in kept.decisive and "Acme" in kept.full


DIRECTION_CASES = [
    ("Candidature au poste de Data Analyst",
     "Bonjour, je me permets de vous adresser ma candidature. Veuillez trouver ci-joint mon CV.",
     "CV_Camille.pdf", "application"),
    ("Relance : candidature Data Analyst",
     "Je me permets de revenir vers vous concernant ma candidature envoyée le 3 mars.",
     None, "none"),
    ("Ce weekend", "Salut, on se voit samedi ?", None, "none"),
    # a question before applying
    ("Annonce boulanger - toujours dispo ?",
     "Bonjour, j'ai vu votre annonce de boulanger. Est-ce que le poste est toujours disponible ?", None, "none"),
    ("Baker role", "Hello, I saw your ad for a baker. Is the position still open?", None, "none"),
    # a speculative enquiry that offers the seeker is a spontaneous application
    ("Any vacancies?", "Hi, I was wondering whether the Old Mill Inn has any vacancies in the kitchen. "
     "I've done two years as a commis and can start straight away.", None, "application"),
    ("Poste de serveur", "Bonjour, je voulais savoir si vous recrutez pour la saison. J'ai deux ans "
     "d'expérience en salle et je suis disponible dès juin.", None, "application"),
]


@pytest.mark.parametrize(("subject", "body", "attachment", "kind"), DIRECTION_CASES)
def test_outgoing(subject: str, body: str, attachment: str | None, kind: str) -> None:
    message = mail(f"Camille <{ME}>", subject, body, to="jobs@acme.fr", attachment=attachment)
    assert run(message)[0] == kind


@pytest.mark.xfail(strict=True, reason="textcat reads the employer's wording sent by the seeker as an interview: "
                   "2 of the corpus's 477 open sent messages are labelled interview, and no rule forbids it")
def test_outgoing_cannot_be_an_employer_reply() -> None:
    message = mail(f"Camille <{ME}>", "Entretien",
                   "Nous souhaiterions vous rencontrer pour un entretien.", to="rh@acme.fr")
    assert run(message)[0] in {"application", "none"}


def test_sent_folder_role_means_outgoing_whatever_the_alias() -> None:
    message = mail("Camille <alias@pro.fr>", "Candidature spontanée",
                   "Je vous adresse ma candidature spontanée. Ci-joint mon CV.", to="rh@acme.fr",
                   attachment="cv.pdf")
    evidence = classify(message, Context(me=frozenset(), folder_role="sent"))
    assert evidence.kind is Kind.APPLICATION
    assert evidence.application_type is ApplicationType.SPONTANEOUS
    assert evidence.company == "Acme"


OUTGOING_COMPANY_CASES = [
    # a domain of initials names less than the seeker's own words
    ("rh@lfjm.school", "Application for the French Teacher position at the Lycée Français Jacques Prévert.",
     "Lycée Français Jacques Prévert"),
    # a domain that is a word is the name; "l'équipe M&A" is a team, not the employer
    ("campus@lazard.com", "Je vous adresse ma candidature pour un stage au sein de l'équipe M&A.", "Lazard"),
]


@pytest.mark.parametrize(("to", "body", "company"), OUTGOING_COMPANY_CASES)
def test_company_of_an_outgoing_application(to: str, body: str, company: str) -> None:
    message = mail(f"Camille <{ME}>", "Candidature", f"Bonjour,\n\n{body}\n\nCamille", to=to,
                   attachment="CV.pdf")
    assert run(message)[:2] == ("application", company)


COMPANY_CASES = [
    ("Decathlon Recrutement <noreply@decathlon.com>", "Decathlon"),
    ("Acme via Greenhouse <no-reply@greenhouse.io>", "Acme"),
    ("Workday <acme@myworkday.com>", "Acme"),
    ("Careers <noreply@acme.wd3.myworkdayjobs.com>", "Acme"),
    ("Talent Acquisition - Globex <noreply@globex.com>", "Globex"),
    ("Initech SAS Recrutement <rh@initech.fr>", "Initech"),
]


@pytest.mark.parametrize(("sender", "company"), COMPANY_CASES)
def test_company_from_sender(sender: str, company: str) -> None:
    message = incoming(sender, "Votre candidature", "Nous avons bien reçu votre candidature.")
    assert run(message)[1] == company


def test_company_from_body_for_a_job_board() -> None:
    message = incoming("Indeed <indeedapply@indeed.com>", "Candidature envoyée",
                       "Votre candidature a bien été envoyée à Globex.")
    evidence = classify(message, Context(me=frozenset({ME})))
    assert (evidence.company, evidence.channel) == ("Globex", "Indeed")


POSITION_CASES = [
    ("Data Analyst (H/F)", "Data Analyst"),
    ("Développeur Python F/H - Réf. 12345", "Développeur Python"),
    ("Software Engineer (m/w/d)", "Software Engineer"),
    ("Chef de projet h/f/x #4567", "Chef de projet"),
    ("Product Manager (R-0012)", "Product Manager"),
    ("Data Engineer Ref: ABC-12", "Data Engineer"),
    ("Comptable M/F chez Acme", "Comptable"),
]


@pytest.mark.parametrize(("raw", "expected"), POSITION_CASES)
def test_clean_position(raw: str, expected: str) -> None:
    assert clean_position(raw) == expected


SUBJECT_CASES = [
    ("Candidature au poste de Chargée de communication (H/F)", "Chargée de communication"),
    ("Your application for the Backend Engineer position", "Backend Engineer"),
    ("Candidature : Data Analyst - Réf 123", "Data Analyst"),
]


@pytest.mark.parametrize(("subject", "expected"), SUBJECT_CASES)
def test_position_from_subject(subject: str, expected: str) -> None:
    message = incoming("Acme RH <rh@acme.fr>", subject, "Nous avons bien reçu votre candidature.")
    assert run(message)[2] == expected


BODY_CASES = [
    ("HR <hr@globex.com>", "Offer of employment",
     "Dear Sam, we are delighted to offer you the position of Account Manager at Globex.",
     ("offer", "Globex", "Account Manager")),
    ("Acme Careers <careers@acme.com>", "We received your application",
     "Hi Sam, our team is reviewing your application for Product Designer and will be in touch.",
     ("acknowledgement", "Acme", "Product Designer")),
    ("Recrutement Axiome <rh@axiome.fr>", "Candidature Comptable",
     "Bonjour, le poste de comptable a finalement été pourvu en interne. Bonne chance dans vos recherches.",
     ("rejection", "Axiome", "Comptable")),
    ("Acme HR <hr@acme.com>", "Your application status",
     "Hi Sam, your application for Data Engineer is no longer under consideration.",
     ("rejection", "Acme", "Data Engineer")),
    ("Marc Leroy <marc.leroy@garage-leroy.fr>", "Re: candidature mécanicien",
     "Bonjour, merci pour votre CV. On peut se voir lundi matin au garage vers 9h ? Marc",
     ("interview", "Garage Leroy", "mécanicien")),
    ("RH Maisons Aubert <rh@maisons-aubert.fr>", "Suite de votre candidature",
     "Madame, nous avons étudié votre candidature au poste de Conducteur de travaux. Nous ne sommes pas en mesure "
     "de lui réserver une suite favorable.", ("rejection", "Maisons Aubert", "Conducteur de travaux")),
    ("Julie Carrel <j.carrel@maisons-aubert.fr>", "Bonne nouvelle !",
     "Bonjour, j'ai le plaisir de vous annoncer que votre candidature au poste de Conductrice de travaux a été "
     "retenue. Vous trouverez ci-joint votre contrat de travail.",
     ("offer", "Maisons Aubert", "Conductrice de travaux")),
    ("Personio <no-reply@personio.de>", "Your application at Kerlin GmbH",
     "Dear Sam, thank you for your application as Frontend Developer at Kerlin GmbH. We have received your documents.",
     ("acknowledgement", "Kerlin", "Frontend Developer")),
    ("HelloWork <candidature@hellowork.com>", "Votre candidature a bien été envoyée",
     "Votre candidature pour l'offre Assistant comptable H/F a bien été transmise à l'entreprise Veloria.",
     ("application", "Veloria", "Assistant comptable")),
    ("JobTeaser <no-reply@jobteaser.com>", "Ta candidature a été envoyée",
     "Ta candidature au stage Assistant marketing chez Brightwave a bien été envoyée !",
     ("application", "Brightwave", "Assistant marketing")),
    ("Recruiting <recruiting@fenwick.com>", "Invitation: Interview with Fenwick @ Tue Mar 4, 2pm",
     "You have been invited to the following event. Interview - Customer Success Manager. When: Tue Mar 4, 2pm.",
     ("interview", "Fenwick", "Customer Success Manager")),
    ("HireVue <noreply@hirevue.com>", "Fenwick has invited you to a HireVue interview",
     "Fenwick has invited you to complete a video interview for Customer Success Manager.",
     ("interview", "Fenwick", "Customer Success Manager")),
]


@pytest.mark.parametrize(("sender", "subject", "body", "expected"), BODY_CASES)
def test_kind_company_and_position_from_the_body(sender: str, subject: str, body: str,
                                                 expected: tuple[str, str, str]) -> None:
    assert run(incoming(sender, subject, body)) == expected


def test_date_is_the_paris_day_across_midnight() -> None:
    message = incoming("Acme RH <rh@acme.fr>", "Votre candidature",
                       "Nous avons bien reçu votre candidature.",
                       date_header="Mon, 03 Mar 2025 23:30:00 +0000")
    assert classify(message, Context()).date == date(2025, 3, 4)


def test_platform_states_the_application_date() -> None:
    message = incoming("HelloWork <notification@hellowork.com>", "Candidature envoyée",
                       "Votre candidature a bien été envoyée à Acme le 12/03/2025.",
                       date_header="Fri, 14 Mar 2025 10:00:00 +0100")
    assert classify(message, Context()).date == date(2025, 3, 12)


def test_below_threshold_is_none_with_reasons_kept() -> None:
    message = incoming("Acme RH <rh@acme.fr>", "Votre candidature",
                       "Nous avons bien reçu votre candidature.")
    # A threshold above the model's confidence in this plain acknowledgement (0.996 with textcat).
    evidence = classify(message, Context(), threshold=0.999)
    # Below the threshold it is none, unless the doubt band keeps it for the seeker's review.
    assert evidence.decided_kind is Kind.NONE and evidence.reasons and evidence.confidence > 0
    assert evidence.in_doubt or evidence.kind is Kind.NONE


def test_fold_keeps_length() -> None:
    text = "Électricien « chargé » d’affaires – Œuvre ß"
    assert len(fold(text)) == len(text)


TRIAGE_CASES = [
    ("Hello", "friend@gmail.com", {}, "sent", True),
    ("Hello", ME, {}, None, True),
    ("Weekly digest", "news@shop.com", {"List-Unsubscribe": "<x>"}, None, False),
    ("Votre candidature", "news@shop.com", {"List-Unsubscribe": "<x>"}, None, True),
    ("Re: un point", "friend@gmail.com", {}, None, True),
    ("Update", "noreply@greenhouse.io", {"List-Id": "x"}, None, True),
    ("Photos du weekend", "friend@gmail.com", {}, None, False),
    ("Quick question", "jane@acme.com", {}, None, True),
    ("Entretien", "a@b.fr", {"Precedence": "bulk"}, None, False),
    ("Entretien d'embauche", "a@b.fr", {"Precedence": "bulk"}, None, True),
    ("Entretien", "a@b.fr", {}, None, True),
    ("Your order has shipped", "no-reply@shop.com", {}, None, False),
]


@pytest.mark.parametrize(("subject", "email", "headers", "role", "expected"), TRIAGE_CASES)
def test_triage(subject: str, email: str, headers: dict[str, str], role: str | None,
                expected: bool) -> None:
    sender = Address(name="", email=email)
    assert is_candidate(subject, sender, headers, role, frozenset({ME})) is expected


def test_a_message_that_is_not_evidence_keeps_no_name() -> None:
    """Privacy: what is not job evidence leaves no trace, not even the names it holds."""
    alert = incoming("Indeed <alert@indeed.com>", "12 nouvelles offres Data Analyst",
                     "Acme recrute : Data Analyst (H/F) à Lyon. Postulez chez Acme dès maintenant.",
                     headers={"List-Unsubscribe": "<https://indeed.com/u>"})
    evidence = classify(alert, Context(me=frozenset({ME})))
    assert evidence.kind is Kind.NONE
    assert (evidence.company, evidence.position) == (None, None)


PLATFORM_AND_SERVICE_CASES = [
    # a job board's activity notification: an employer viewed the CV, no invitation
    ("Indeed <no-reply@indeed.com>", "Un employeur a consulté votre CV",
     "Un employeur du secteur Restauration à Angers a consulté votre CV Indeed. Astuce : vérifiez vos "
     "disponibilités et mettez à jour votre CV."),
    ("LinkedIn <notifications@linkedin.com>", "A recruiter viewed your profile",
     "A recruiter at a company in Lyon viewed your profile. Update your availability."),
    ("HelloWork <noreply@hellowork.com>", "Vous n'avez pas encore postulé",
     "Vous n'avez pas encore postulé à l'offre Vendeur. N'oubliez pas de finaliser votre candidature."),
    # the public employment service's own appointment: not a job interview
    ("France Travail <ne-pas-repondre@francetravail.fr>", "Convocation à un entretien avec votre conseiller",
     "Vous êtes convoqué à un entretien avec votre conseiller France Travail le jeudi 12 février à 9h15. "
     "Objet : point sur votre projet professionnel."),
    ("France Travail <ne-pas-repondre@francetravail.fr>", "Votre rendez-vous",
     "Nous vous proposons un rendez-vous avec votre conseillère le mardi 3 mars à 10h."),
    ("Jobcentre Plus <noreply@dwp.gov.uk>", "Your appointment",
     "We would like to invite you to an appointment with your work coach on Tuesday 4 March."),
    # a workshop of the employment service
    ("France Travail <ne-pas-repondre@francetravail.fr>", "Atelier",
     "Vous êtes convoquée à l'atelier « Valoriser sa candidature » le mardi 30 juillet à 9h."),
]


@pytest.mark.parametrize(("sender", "subject", "body"), PLATFORM_AND_SERVICE_CASES)
def test_platform_notifications_and_service_appointments_are_not_evidence(sender: str, subject: str,
                                                                          body: str) -> None:
    assert run(incoming(sender, subject, body))[0] == "none"


LEXICON_GAP_CASES = [
    # "d'y donner suite" and a full team, beside an acknowledgement of receipt
    ("Isabelle Marchal <contact@vasseur-avocats.fr>", "RE: Candidature spontanée",
     "Nous avons bien reçu votre candidature. Malheureusement, nous ne sommes pas en mesure d'y donner "
     "une suite favorable, notre équipe étant actuellement au complet.", "rejection"),
    # a company named "Atelier …" is not a workshop
    ("Atelier Verde <jobs@atelierverde.recruitee.com>", "Votre candidature chez Atelier Verde",
     "Merci d'avoir postulé. Après une étude attentive, nous avons décidé de poursuivre avec des profils "
     "plus expérimentés.", "rejection"),
    # a public employer's offer: the jury chose the candidate, who will be recruited
    ("Mairie de Vertou - Ressources Humaines <rh@mairie-vertou.fr>", "Votre recrutement",
     "Suite à votre entretien du 8 octobre, j'ai le plaisir de vous informer que le jury a retenu votre "
     "candidature au poste d'agent d'accueil. Vous serez recrutée à compter du 3 novembre.", "offer"),
    # ... but a candidature kept for the next stage is not an offer
    ("Mairie de Vertou - Ressources Humaines <rh@mairie-vertou.fr>", "Votre candidature",
     "J'ai le plaisir de vous informer que le jury a retenu votre candidature au poste d'agent d'accueil "
     "pour un entretien le 8 octobre.", "interview"),
    # a positive "en mesure de donner suite" is no rejection
    ("Acme RH <rh@acme.fr>", "Votre candidature",
     "Nous sommes en mesure de donner une suite favorable : nous souhaiterions vous rencontrer.", "interview"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "kind"), LEXICON_GAP_CASES)
def test_lexicon_gaps(sender: str, subject: str, body: str, kind: str) -> None:
    assert run(incoming(sender, subject, body))[0] == kind


FAMILY_KIND_CASES = [
    # informal invitations to come by
    ("Marion Vidal <m.vidal@brasserie-quillard.fr>", "Re: Serveur",
     "Bonjour,\n\nPassez au restaurant jeudi vers 15h, on discutera du poste.\n\nMarion", "interview"),
    ("Tom Keane <t.keane@harrowgatehotels.co.uk>", "Re: Night Porter",
     "Hi,\n\nPop into the hotel at 9am on Friday and ask for me at reception.\n\nTom", "interview"),
    ("Tom Keane <t.keane@harrowgatehotels.co.uk>", "Night Porter",
     "Hi,\n\nWould be great to have a chat about the Night Porter role.\n\nTom", "interview"),
    # polite rejections after an interview, in a reply
    ("Ruth Bell <r.bell@pellowfreight.co.uk>", "Re: Interview follow-up",
     "Hi,\n\nThanks for coming in. We've offered the Fleet Planner role to a candidate who already "
     "knows our systems.\n\nRuth", "rejection"),
    ("Paul Rigaud <p.rigaud@tessard-industrie.fr>", "RE: Entretien",
     "Bonjour,\n\nMerci pour notre échange. Notre choix s'est finalement porté sur un profil plus "
     "expérimenté.\n\nPaul Rigaud", "rejection"),
    # an agency asking to update availabilities in its space is still an acknowledgement
    ("Ravel Intérim <noreply@mail.beetween.com>", "Votre candidature – Préparateur de commandes",
     "Bonjour,\n\nNous avons bien reçu votre candidature. Pensez à mettre à jour vos disponibilités "
     "dans votre espace.\n\nRavel Intérim SAS – Garantie financière", "acknowledgement"),
    # a friend's own job news is not the seeker's evidence
    ("Yves Morel <yves.morel@gmail.com>", "J'ai signé !",
     "Salut,\n\nJ'ai reçu ma promesse d'embauche de la clinique, je commence lundi !\n\nYves", "none"),
    ("Jess Hart <jess.hart@gmail.com>", "News!",
     "Hey,\n\nI just got my offer letter from the council, starting in May!\n\nJess", "none"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "kind"), FAMILY_KIND_CASES)
def test_reply_families(sender: str, subject: str, body: str, kind: str) -> None:
    assert classify(incoming(sender, subject, body), Context(me=frozenset({ME}))).kind == kind


def test_lexicons_name_other_owners() -> None:
    assert all(lexicon.other_owners for lexicon in lexicons())


PHRASEBOOK_CASES = [
    "nous avons bien recu votre candidature, merci. 20% off today",
    "bonjour, on a bien recu ta candidature et nous l'avons bien recue",
    "candidats, candidates et candidat : nous avons recu votre cv",
    "",
    "x" * 50 + " bien recu",
]


@pytest.mark.parametrize("text", PHRASEBOOK_CASES)
def test_a_phrasebook_finds_what_the_alternation_finds(text: str) -> None:
    """The word index is a shortcut, not a change: same matches as the regex alternation."""
    phrases = ["(avons|a) bien (ete )?recu (votre|ta) (candidature|cv)", "candidat(e|es|s)?\\b", "% off",
               "(re)?cu votre", "bien recue?", "merci"]
    book = _bounded(phrases)
    alternation = re.compile("|".join(rf"\b(?:{p})" for p in phrases))
    assert book is not None
    assert [m.span() for m in book.finditer(text)] == [m.span() for m in alternation.finditer(text)]
    found, expected = book.search(text), alternation.search(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)


@pytest.mark.parametrize(("phrase", "word"), [
    ("(avons|a) bien (ete )?recu", "bien"), ("accusons (bonne )?reception", "accusons"),
    ("candidat(e|es|s)?\\b", "candidat"), ("(re)?candidature", None), ("\\w+ bien", None), ("a|b", None),
])
def test_a_phrase_is_indexed_by_a_word_every_match_holds(phrase: str, word: str | None) -> None:
    found = anchor(phrase)
    assert (found[0] if found else None) == word


def test_a_phrase_starting_with_punctuation_still_matches() -> None:
    """"% off" may not be hidden behind the `\\b(?=\\w)` that speeds up the word phrases."""
    pattern = _bounded(["nous avons bien recu", "% off"])
    assert pattern is not None
    assert pattern.search("20% off today") and pattern.search("bonjour, nous avons bien recu")


def test_a_bounce_of_an_application_is_not_a_rejection() -> None:
    """The mail server's "sorry to inform you" about an undelivered application is no employer's answer."""
    bounce = incoming("Mail Delivery System <MAILER-DAEMON@mx.example.org>", "Undelivered Mail Returned to Sender",
                      "I'm sorry to inform you that the message below could not be delivered.\n\n"
                      "Subject: Candidature au poste de Data Analyst")
    assert classify(bounce, Context(me=frozenset({ME}))).kind is Kind.NONE


def test_unfortunately_alone_in_a_newsletter_is_not_a_rejection() -> None:
    letter = incoming("Net Tricks <news@tricks.example>", "Issue 131",
                      "Question: can we stop these? Answer: unfortunately, the real problem is elsewhere.",
                      headers={"List-Unsubscribe": "<https://tricks.example/u>"})
    assert classify(letter, Context(me=frozenset({ME}))).kind is Kind.NONE


def test_the_spacy_model_is_loaded_only_when_a_message_needs_it() -> None:
    """Loading fr_core_news_sm costs seconds: a pass over mail that is not evidence never pays it."""
    code = (
        "import sys\n"
        "from classify import classify\n"
        "from classify.evidence import Context\n"
        "from ingest.parse import parse_message\n"
        "message = parse_message(b'From: Ami <ami@example.org>\\r\\nSubject: Samedi\\r\\n\\r\\nOn se voit samedi ?')\n"
        "assert classify(message, Context(me=frozenset())).kind.value == 'none'\n"
        "assert 'spacy.lang.fr' not in sys.modules, 'the French model was loaded'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_rules_run_only_for_evidence_vote_none_alone() -> None:
    """`run_chain` skips the `only_none` rules when no other rule voted for evidence, and a
    gate's vote stops the chain; that is sound only if they never vote anything else, on
    any labelled message."""
    only_none = [rule for rule in chain() if rule.only_none or rule.gate]
    assert only_none
    votes = []
    for label in load_labels(Path(__file__).parent / "corpus"):  # the blind sets stay closed
        facts = read_facts(parse_message(label.path.read_bytes()), Context(me=label.me))
        votes += [(label.path, s.kind) for rule in only_none if rule.applies(facts) for s in rule.signals(facts)]
    assert votes and {kind for _, kind in votes} == {Kind.NONE}


@pytest.mark.parametrize(("body", "kind"), [
    # a recruiter's first approach: nothing was applied to
    pytest.param("Bonjour Camille, je suis à la recherche d'un comptable pour un de mes clients à Lyon. Votre "
                 "profil m'intéresse, seriez-vous disponible pour un échange cette semaine ?", "none",
                 marks=pytest.mark.xfail(strict=True, reason="textcat reads a recruiter's first approach in "
                                         "French as an interview (the linear model did not)")),
    ("Hi Sam, I came across your profile and would love to tell you about a role. Are you available for a call "
     "on Tuesday?", "none"),
    # the same words after the seeker's application: an invitation
    ("Bonjour Camille, j'ai bien reçu votre candidature pour le poste de comptable. Votre profil m'intéresse, "
     "seriez-vous disponible pour un échange cette semaine ?", "interview"),
])
def test_cold_outreach_is_no_evidence(body: str, kind: str) -> None:
    assert run(incoming("Julien Morel <julien@staffme.fr>", "Opportunité", body))[0] == kind


def test_threads_and_forwards_decide_on_the_new_text() -> None:
    quoted_application = incoming(
        "Veloria RH <rh@veloria.fr>", "Re: Candidature Comptable",
        "Bonjour, bien reçu, nous étudions votre dossier et revenons vers vous.\n\n"
        "Le 3 mars 2025 à 10:00, Camille <camille.durand@gmail.com> a écrit :\n"
        "> Bonjour, je vous adresse ma candidature au poste de Comptable.")
    quoted_acknowledgement = incoming(
        "Veloria RH <rh@veloria.fr>", "Re: Votre candidature",
        "Bonjour, pas encore de nouvelles de notre côté, je vous tiens informée.\n\n"
        "Le 3 mars 2025 à 10:00, Veloria RH <rh@veloria.fr> a écrit :\n"
        "> Nous avons bien reçu votre candidature au poste de Comptable.")
    forwarded_to_a_friend = mail(
        f"Camille <{ME}>", "Fwd: Votre candidature chez Veloria",
        "Regarde, ils m'ont répondu !\n\n---------- Forwarded message ---------\nDe : Veloria <rh@veloria.fr>\n"
        "Objet : Votre candidature\n\nNous avons bien reçu votre candidature au poste de Comptable.",
        to="lea.martin@gmail.com")
    assert run(quoted_application)[:2] == ("acknowledgement", "Veloria")
    # The quoted acknowledgement is not this message's: whatever the new text is read as, not that.
    assert run(quoted_acknowledgement)[0] != "acknowledgement"
    assert run(forwarded_to_a_friend)[0] == "none"


REJECTION_WORDINGS = [
    ("en", "We have decided to move forward with candidates whose experience better matches our needs."),
    ("en", "We will not be moving forward with your candidacy."),
    ("en", "We've decided to close this role."),
    ("en", "Unfortunately you have not been successful on this occasion."),
    ("en", "We appreciate your interest but have selected another candidate."),
    ("en", "While your background is impressive, we have decided to pursue other applicants."),
    ("fr", "Nous avons retenu une candidature correspondant davantage à nos attentes."),
    ("fr", "Nous ne donnerons pas une suite favorable à votre candidature."),
    ("fr", "Nous avons privilégié un profil plus expérimenté."),
    ("fr", "D'autres candidatures correspondaient davantage au profil recherché."),
]


@pytest.mark.parametrize(("lang", "sentence"), REJECTION_WORDINGS)
def test_rejection_wordings(lang: str, sentence: str) -> None:
    """Thanks for the application first, as most refusals do: the refusal must still win."""
    intro = ("Hi Sam, thank you for applying to the Analyst role. " if lang == "en"
             else "Bonjour, merci pour votre candidature au poste d'Analyste. ")
    assert run(incoming("Fenwick RH <rh@fenwick.com>", "Your application", intro + sentence))[0] == "rejection"


@pytest.mark.parametrize(("body", "kind"), [
    ("Je vous propose un rendez-vous téléphonique mardi à 10h.", "interview"),
    ("Vous êtes convié(e) à un entretien le 12 mars à 14h dans nos locaux.", "interview"),
    ("Nous prenons connaissance de votre dossier et reviendrons vers vous.", "acknowledgement"),
    # an invitation to an information session or an open day is no interview
    ("Vous êtes invité à une session d'information collective sur les métiers de la logistique le 12 mars.", "none"),
    ("Vous êtes invitée à une rencontre avec nos équipes lors de notre journée portes ouvertes le 12 mars.", "none"),
])
def test_french_invitations_and_receipts(body: str, kind: str) -> None:
    assert run(incoming("Veloria RH <rh@veloria.fr>", "Votre candidature", f"Bonjour, {body}"))[0] == kind


@pytest.mark.xfail(strict=True, reason="textcat reads the shifts sent to the seeker alone as none, not an interview")
def test_mass_mailings_are_no_evidence() -> None:
    shifts = ("We've got shifts available this week. Reply with the job number and your availability.\n"
              "JOB 4471 - Picker/Packer - Wigston - £12.60/hr")
    to_all = incoming("Tollbridge Staffing <leicester@tollbridge.co.uk>", "Shifts available", f"Hi all,\n\n{shifts}")
    in_bcc = incoming("Tollbridge Staffing <leicester@tollbridge.co.uk>", "Shifts available", f"Hello,\n\n{shifts}",
                      to="leicester@tollbridge.co.uk")
    to_the_seeker = incoming("Tollbridge Staffing <leicester@tollbridge.co.uk>", "Shifts available",
                             f"Hello,\n\n{shifts}")
    assert run(to_all)[0] == "none"
    assert run(to_the_seeker)[0] == "interview"  # the same words sent to the seeker alone ask for them
    # Bcc is weaker evidence of a mass mailing (an old address forwarding here looks the same)
    context = Context(me=frozenset({ME}))
    assert classify(in_bcc, context).confidence < classify(to_the_seeker, context).confidence


@pytest.mark.parametrize(("sender", "subject", "body"), [
    ("Doctolib <no-reply@doctolib.fr>", "Confirmation de votre rendez-vous",
     "Votre rendez-vous avec le Dr Martin est confirmé le mardi 4 mars à 10h."),
    ("Banque Azur <conseiller@banque-azur.fr>", "Votre rendez-vous",
     "Bonjour, je vous propose un rendez-vous avec votre conseiller jeudi à 14h pour faire le point sur "
     "votre épargne."),
])
def test_a_message_that_speaks_of_no_job_is_no_evidence(sender: str, subject: str, body: str) -> None:
    assert run(incoming(sender, subject, body))[0] == "none"


@pytest.mark.parametrize(("sender", "subject", "body", "kind"), [
    # applications for something else than a job
    pytest.param("Habitat 44 <contact@habitat44.fr>", "Votre demande de logement",
                 "Nous avons bien reçu votre candidature pour le logement T3 situé rue des Lilas.", "none",
                 marks=pytest.mark.xfail(strict=True, reason="textcat reads a letting agency's receipt of a "
                                         "housing candidature as an acknowledgement")),
    ("Parcoursup <noreply@parcoursup.fr>", "Confirmation de vos vœux",
     "Votre candidature a bien été enregistrée pour la formation BTS Comptabilité.", "none"),
    ("University of Leeds <admissions@leeds.ac.uk>", "Offer of a place",
     "We are delighted to offer you a place on the MSc Data Science programme starting in September.", "none"),
    ("Université de Nantes <scolarite@univ-nantes.fr>", "Résultat de votre candidature",
     "Nous avons le regret de vous informer que votre candidature au Master 2 n'a pas été retenue.", "none"),
    ("Croix-Rouge <benevolat@croix-rouge.fr>", "Votre candidature bénévole",
     "Merci pour votre candidature en tant que bénévole. Nous vous proposons une réunion jeudi à 18h.", "none"),
    # jobs at the same kinds of places
    ("Université de Nantes <rh@univ-nantes.fr>", "Votre candidature",
     "Nous avons bien reçu votre candidature au poste de gestionnaire de scolarité.", "acknowledgement"),
    ("Leeds Uni <jobs@leeds.ac.uk>", "Application received",
     "Thank you for applying for the role of Admissions Officer. We have received your application.",
     "acknowledgement"),
])
def test_applications_for_something_else_than_a_job(sender: str, subject: str, body: str, kind: str) -> None:
    assert run(incoming(sender, subject, body))[0] == kind


@pytest.mark.parametrize(("sender", "body", "company"), [
    # a relay's own name is no employer, even when it ends like "HR" ("Flatchr")
    ("Flatchr <notification@flatchr.io>",
     "Bonjour Camille, l'équipe de Maison Duval a bien reçu votre candidature pour le poste de Pâtissier.",
     "Maison Duval"),
    ("jobs@workablemail.com",
     "Thanks for applying to Brightwave. Your application for Data Engineer has been received.", "Brightwave"),
    # a small employer writing from a personal mailbox says who they are
    ("Julie Martin <julie.martin@gmail.com>",
     "Bonjour, je suis gérante du Café des Arts. J'ai bien reçu votre CV pour le poste de serveur.", "Café des Arts"),
])
def test_employer_named_in_the_body(sender: str, body: str, company: str) -> None:
    assert run(incoming(sender, "Votre candidature", body))[1] == company
