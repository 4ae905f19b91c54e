"""Table tests of company and position extraction: names, signatures, labels, layouts."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from carnet.classify import classify
from carnet.classify.company import _display_names, _domain_name, _Texts, acceptable
from carnet.classify.evidence import Context, Evidence
from carnet.classify.mailbox import mailbox_name, without_places
from carnet.classify.names import (
    EXACT,
    INSIDE,
    PREFIX,
    clean_company,
    is_service,
    label_match,
    looks_like_person,
    names_in,
    registrable_label,
)
from carnet.classify.position import clean_position, extract_position
from carnet.classify.reading import read
from carnet.classify.segment import segment_label, written_words
from carnet.classify.signature import signature_names
from carnet.classify.sites import places_in, without_site
from carnet.classify.tables import extraction
from carnet.classify.written import as_written
from carnet.ingest.message import Address, Message
from carnet.ingest.parse import parse_message

from tests.test_classify_rules import ME, incoming, mail

CLEAN_CASES = [
    ("Acme SAS", "Acme"),
    ("Havas Paris", "Havas"),
    ("Marriott International", "Marriott"),
    ("Doctolib Talent Acquisition", "Doctolib"),
    ("Bouygues Telecom Recrute", "Bouygues Telecom"),
    ("Les Restos du Cœur", "Les Restos du Cœur"),
    ("L'Oréal", "L'Oréal"),
    ("Le poste", None),
    ("Careers", None),
    ("Indeed", None),
    ("Cabinet Roussel & Associés SELARL", "Cabinet Roussel & Associés"),
    ("Ferme des Saules GAEC", "Ferme des Saules"),
    ("DocuSign", None),
    # page furniture and platforms' names only: no company
    ("Privacy", None),
    ("Unsubscribe · Help", None),
    ("Please Docusign", None),
    ("Fourni par DocuSign", None),
    ("Help Musicians", "Help Musicians"),
    # a fragment cut inside brackets
    ("Employé(e", None),
    # a phone's or a webmail's signature
    ("Envoyé de mon iPhone", None),
    ("Sent from my iPhone", None),
    ("Envoyé depuis mon mobile", None),
    ("Sent from Outlook for Android", None),
    ("Get Outlook for iOS", None),
    ("Free Mobile", "Free Mobile"),
]


def evidence_of(message: Message) -> Evidence:
    """The message classified for the seeker ME; it must be evidence (a `none` keeps no names)."""
    evidence = classify(message, Context(me=frozenset({ME})))
    assert evidence.is_evidence, evidence
    return evidence


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES)
def test_clean_company(raw: str, expected: str | None) -> None:
    assert clean_company(raw) == expected


@pytest.mark.parametrize(("name", "local", "expected"), [
    ("Rachel Kim", "rachel.kim", True),
    ("Martine Deschamps", "m.deschamps", True),
    ("Mrs. Helen Carter", "hcarter", True),
    ("Schneider Electric", "", False),
    ("Ramsay Santé", "noreply", False),
    ("Ville de Montreuil", "ne-pas-repondre", False),
])
def test_looks_like_person(name: str, local: str, expected: bool) -> None:
    assert looks_like_person(name, local) is expected


@pytest.mark.parametrize(("name", "label", "expected"), [
    ("L'Oréal", "loreal", EXACT),
    ("Carter & Wells", "carterandwells", EXACT),
    ("Datadog", "datadoghq", PREFIX),
    ("Hôtel Barrière Le Royal", "groupebarriere", INSIDE),
    ("Versailles Conseil", "acme", 0),
])
def test_label_match(name: str, label: str, expected: int) -> None:
    assert label_match(name, label) == expected


def test_segment_label_restores_words_and_accents() -> None:
    assert segment_label("reseauactionclimat") == "Reseau Action Climat"
    assert segment_label("groupebarriere") == "Groupe Barrière"
    assert segment_label("kiabi") is None


def test_signature_names_skip_titles_people_and_phones() -> None:
    body = "Merci.\n\nCordialement,\nClaire Perrin\nResponsable RH – Boulangerie Moreau\n01 23 45 67 89"
    assert list(signature_names(body, "Claire Perrin")) == ["Boulangerie Moreau"]


RECEIVED = "Nous avons bien reçu votre candidature."
COMPANY_CASES = [
    # relay display name, tenant subdomain and local part
    ("Acme via Greenhouse <no-reply@greenhouse.io>", "Votre candidature", RECEIVED, "Acme"),
    ("Workday <globex@myworkday.com>", "Votre candidature", RECEIVED, "Globex"),
    # an employer's own domain, spelled as the text writes it
    ("Service RH <rh@mairie-reze.fr>", "Votre candidature",
     "La Mairie de Rezé a bien reçu votre candidature.", "Mairie de Rezé"),
    ("Rachel Kim <rachel.kim@datadoghq.com>", "Next steps",
     "Thanks for applying to Datadog. We'd like to schedule a call.", "Datadog"),
    # a signature line after the sender's name and title
    ("Jeanne Morel <jeanne@bmoreau.fr>", "Votre candidature",
     "Bien reçu votre CV.\n\nCordialement,\nJeanne Morel\nResponsable RH – Boulangerie Moreau",
     "Boulangerie Moreau"),
    # a staffing agency names its client
    ("Tom Hargreaves <tom@hays.co.uk>", "Interview confirmed - Clerk at Brightwell Foods",
     "We'd like to invite you to an interview.", "Brightwell Foods"),
    # a job board's layout
    ("Indeed <indeedapply@indeed.com>", "Candidature envoyée : Vendeur H/F",
     "Candidature envoyée\n\nVendeur H/F\nKiabi - Marseille (13)\n", "Kiabi"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "company"), COMPANY_CASES)
def test_company_precedence(sender: str, subject: str, body: str, company: str) -> None:
    evidence = classify(incoming(sender, subject, body), Context(me=frozenset({ME})))
    assert evidence.company == company
    assert any(reason.startswith("company: ") for reason in evidence.reasons)


@pytest.mark.parametrize(("label", "name"), [
    ("corvanehealth", "Corvane Health"),
    ("maisoncastel", "Maison Castel"),
    ("polesante-armor", "Pole Sante Armor"),
    ("lazard", "Lazard"),
])
def test_a_domain_label_reads_apart_from_its_trade_word(label: str, name: str) -> None:
    assert _domain_name(label) == name


def test_company_of_an_outgoing_application_is_the_recipient() -> None:
    message = mail(ME, "Candidature", "Je vous adresse ma candidature.",
                   to="recrutement@ehpad-lestilleuls.fr", attachment="CV.pdf")
    evidence = classify(message, Context(me=frozenset({ME})))
    assert evidence.company == "Ehpad Les Tilleuls"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Comptable en CDI – Lyon", "Comptable"),
    ("Serveur | Paris (75)", "Serveur"),
    ("Ingénieur méthodes (JR12345)", "Ingénieur méthodes"),
    ("next stage", None),
    ("saison 2025", None),
])
def test_clean_position_needs_a_title_word(raw: str, expected: str | None) -> None:
    assert clean_position(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Customer Success Manager, EMEA", "Customer Success Manager, EMEA"),
    ("Alternance rentrée", None),
    ("alternance nous intéresse", None),
    ("Stage Data & Analytics", "Stage Data & Analytics"),
    ("valoriste", "valoriste"),
])
def test_clean_position_keeps_a_region_and_needs_a_job(raw: str, expected: str | None) -> None:
    assert clean_position(raw) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Monsieur Hamelin", False),
    ("Operations Analyst", False),
    ("Harbour Analytics", True),
    ("Invitation : Entretien", False),
    ("Maya Okafor", False),
    ("Menuiserie Hamelin", True),
    ("Cabinet Vasseur & Associés", True),
])
def test_acceptable_company(name: str, expected: bool) -> None:
    assert acceptable(name) is expected


@pytest.mark.parametrize(("body", "position"), [
    ("Je souhaiterais effectuer mon alternance chez vous comme préparateur en pharmacie.",
     "préparateur en pharmacie"),
    ("Un ami m'a dit que vous cherchiez un magasinier cariste.", "magasinier cariste"),
    ("Vous avez postulé à l'offre n° 571DDF « Chauffeur poids lourd (H/F) CDI » proposée par X.",
     "Chauffeur poids lourd"),
    ("Je vous propose de nous rejoindre en qualité de collaborateur comptable.", "collaborateur comptable"),
])
def test_position_from_letters_and_cards(body: str, position: str) -> None:
    message = mail(ME, "Bonjour", body, to="contact@acme.fr")
    facts = read(message, Context(me=frozenset({ME}))).facts
    assert extract_position(facts) == position


@pytest.mark.parametrize(("subject", "body", "position"), [
    ("Interview Confirmation: Datadog - Site Reliability Engineer", "Your interview is scheduled.",
     "Site Reliability Engineer"),
    ("Votre candidature", "Merci pour votre candidature.\n\nPoste : Aide-soignant de nuit\n",
     "Aide-soignant de nuit"),
    ("Votre candidature", "Nous avons bien reçu votre candidature.", None),
])
def test_position_from_layouts(subject: str, body: str, position: str | None) -> None:
    evidence = classify(incoming("Acme RH <rh@acme.fr>", subject, body), Context(me=frozenset({ME})))
    assert evidence.position == position


@pytest.mark.parametrize(("raw", "feminine", "expected"), [
    ("Responsable ADV", False, "Responsable administration des ventes"),
    ("SRE / Platform Engineer", False, "Site Reliability Engineer / Platform Engineer"),
    ("IDE réanimation", True, "Infirmière réanimation"),
    ("IDE réanimation", False, "Infirmier réanimation"),
    ("Senior ML Engineer", False, "Senior ML Engineer"),
    ("Research Nurse, Band 6", False, "Research Nurse"),
    ("Commis de cuisine, Paris Marriott Opéra", False, "Commis de cuisine"),
    ("Assistant(e) comptable basé", False, "Assistant(e) comptable"),
    ("aide soignante", False, "aide soignante"),
])
def test_clean_position_spells_out_and_cuts(raw: str, feminine: bool, expected: str) -> None:
    assert clean_position(raw, feminine) == expected


def test_a_past_job_is_not_the_position() -> None:
    message = mail(ME, "part time job?", "Hi,\nI worked two summers as a barista in Paris. CV attached.",
                   to="hello@coffeeshop.co.uk", attachment="CV.pdf")
    assert classify(message, Context(me=frozenset({ME}))).position is None


def test_is_service_names_a_department_only() -> None:
    assert is_service("Recrutement et Mobilité")
    assert is_service("Talents & Carrières")
    assert not is_service("Mairie de Rezé")
    assert clean_company("Recrutement et Mobilité") is None


MORE_COMPANY_CASES = [
    # a public body named by its domain, the place as the text writes it; a service line is skipped
    ("Direction des Ressources Humaines <drh@mairie-reze.fr>", "Votre candidature",
     "Nous avons bien reçu votre candidature.\n\nLe service Recrutement et Mobilité\nPlace de Rezé",
     "Mairie de Rezé"),
    ("Service RH <rh@chu-lyon.fr>", "Votre candidature", RECEIVED, "CHU de Lyon"),
    # a department under its initials is not the employer
    ("DPAS - Cellule recrutement <dpas@chu-lyon.fr>", "Votre candidature",
     f"{RECEIVED}\n\nSandrine Michaud\nDirection du Personnel et des Affaires Sociales", "CHU de Lyon"),
    # a job board's one-line and card layouts
    ("France Travail <ne-pas-repondre@francetravail.fr>", "Votre candidature a bien été transmise",
     "Vous avez postulé à l'offre :\nVendeur (H/F) - BRICOMAN - 13 - AUBAGNE\nVotre candidature a été transmise.",
     "BRICOMAN"),
    ("Monster <noreply@notifications.monster.com>", "You applied for Office Administrator",
     "Here's a copy of what you applied to:\n  Office Administrator\n  Harbor Health Partners\n  Dayton, OH\n",
     "Harbor Health Partners"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "company"), MORE_COMPANY_CASES)
def test_company_institutions_departments_layouts(sender: str, subject: str, body: str, company: str) -> None:
    assert classify(incoming(sender, subject, body), Context(me=frozenset({ME}))).company == company


def test_outgoing_to_a_town_hall_mailbox_and_a_possessive() -> None:
    town = mail(ME, "Candidature spontanée", "Monsieur le Maire, je vous adresse ma candidature.",
                to="mairie@saint-jean-de-boiseau.fr", attachment="CV.pdf")
    assert classify(town, Context(me=frozenset({ME}))).company == "Mairie de Saint-Jean-de-Boiseau"
    brand = mail(ME, "Spontaneous application - Backend Engineer",
                 "Hello,\nI have followed Qonto's engineering blog for a while. Resume attached.",
                 to="careers@qonto.com", attachment="CV.pdf")
    assert classify(brand, Context(me=frozenset({ME}))).company == "Qonto"


@pytest.mark.parametrize(("subject", "body", "position"), [
    ("Demande d'emploi aide soignante", "Bonjour, nous avons bien reçu votre CV.", "aide soignante"),
    ("Votre candidature", "Merci d'avoir postulé chez Acme pour le poste : Ingénieur Méthodes (F/H) - Lyon.",
     "Ingénieur Méthodes"),
    ("Invitation", "Suite à votre candidature à l'offre Employé commercial (H/F) - Acme Aubagne, "
     "nous vous invitons à un entretien mardi à 10h.",
     "Employé commercial"),
    ("Entretien poste AS", "Bonjour Madame Diallo,\nPouvez-vous passer mardi pour un entretien ?", "Aide-soignante"),
])
def test_position_phrases(subject: str, body: str, position: str) -> None:
    evidence = classify(incoming("Acme RH <rh@acme.fr>", subject, body), Context(me=frozenset({ME})))
    assert evidence.position == position


@pytest.mark.parametrize(("name", "local", "expected"), [
    ("Garage Moreau", "garage.moreau.autos", False),
    ("Boulangerie Martin", "boulangerie.martin", False),
    ("Patrick Moreau", "garage.moreau.autos", True),
    ("Thibault Hôtellerie", "noreply", False),
    ("Gordon Ramsay Restaurants", "", False),
])
def test_a_trade_name_is_not_a_person(name: str, local: str, expected: bool) -> None:
    assert looks_like_person(name, local) is expected


@pytest.mark.parametrize(("local", "text", "expected"), [
    ("brasserielelutetia.rh", "suite a votre annonce", "Brasserie le Lutetia"),
    ("boulangerie.martin.aubagne", "Bonjour Madame Martin", "Boulangerie Martin"),
    ("boulangerie.martin.aubagne", "Boulangerie Martin à Aubagne", "Boulangerie Martin Aubagne"),
    ("nicolas.roux", "Bonjour", None),
    ("garage", "Bonjour", None),
])
def test_mailbox_name(local: str, text: str, expected: str | None) -> None:
    assert mailbox_name(local, text) == expected


@pytest.mark.parametrize(("label", "text", "expected"), [
    ("fiducial-versailles", "un poste d'assistante comptable à Versailles", "fiducial"),
    ("fiducial-versailles", "Bonjour", "fiducial-versailles"),
    ("ghm-grenoble", "Bonjour", "ghm"),
    ("mairie-reze", "la Mairie de Rezé à Rezé", "mairie-reze"),
])
def test_without_places(label: str, text: str, expected: str) -> None:
    assert without_places(label, text) == expected


ACK = "Nous avons bien reçu votre candidature."
NAME_FAMILY_CASES = [
    # a personal mailbox named after the business (outgoing application)
    (f"Camille <{ME}>", "brasserielelutetia.rh@gmail.com", "Candidature commis de cuisine",
     "Je vous adresse ma candidature pour le poste de commis de cuisine. Ci-joint mon CV.", "Brasserie le Lutetia"),
    # a small employer's webmail display name that spells its mailbox is the business
    ("Garage Moreau <garage.moreau.autos@gmail.com>", ME, "Re: Candidature",
     "Pouvez-vous passer au garage jeudi pour un entretien ?\n\nPatrick Moreau\nGarage Moreau - Agent Renault",
     "Garage Moreau"),
    # an ATS display name holding the recruiter and the employer
    ("Hélène Bourdin - Océane Habitat <no-reply@teamtailor.com>", ME, "Invitation à un entretien",
     "Nous vous proposons un entretien. Merci de choisir un créneau.", "Océane Habitat"),
    # a department word before the employer's name
    ("Exploitation Transports Girard <contact@transports-girard.fr>", ME, "Entretien",
     "M. Girard peut vous recevoir en entretien mardi à 8h30.", "Transports Girard"),
    # the office's city in the domain
    ("Martine Deschamps <m.deschamps@fiducial-versailles.fr>", ME, "RE: Votre annonce",
     "Le poste à Versailles a été pourvu, je suis donc au regret de ne pas pouvoir y donner suite.", "Fiducial"),
    # a trade's head is part of the name as written
    ("Jean-Luc Roussel <jl.roussel@roussel-expertise.fr>", ME, "Proposition d'embauche",
     "Nous avons le plaisir de vous proposer le poste de comptable.\n\nJean-Luc Roussel\nCabinet Roussel Expertise",
     "Cabinet Roussel Expertise"),
    # "& Co" is no legal form
    ("Pebble & Co <noreply@candidates.workablemail.com>", ME, "Update on your application",
     "Unfortunately, we have decided to move forward with other candidates.", "Pebble & Co"),
    # a job board's "proposée par"
    ("Apec <noreply@apec.fr>", ME, "Confirmation de votre candidature",
     "Votre candidature à l'offre Juriste (réf. 1754) proposée par Groupe Nevalis a bien été transmise.",
     "Groupe Nevalis"),
    # an agency passes on its client's decision
    ("Tom <tom@hays.co.uk>", ME, "Update",
     "Afraid it's not good news from Kellogg's - see Sarah's feedback below. They've gone with an internal "
     "candidate.", "Kellogg's"),
]


@pytest.mark.parametrize(("sender", "to", "subject", "body", "company"), NAME_FAMILY_CASES)
def test_company_families(sender: str, to: str, subject: str, body: str, company: str) -> None:
    evidence = evidence_of(mail(sender, subject, body, to=to))
    assert evidence.company == company


@pytest.mark.parametrize(("raw", "expected"), [
    ("mécanicien automobile", "mécanicien automobile"),
    ("Mécanicien poids lourds H/F", "Mécanicien poids lourds"),
    ("Offre n°190KTRM - Assistant administratif (H/F)", "Assistant administratif"),
    ("marketing & content", None),
    ("Data", None),
    ("Stage Data & Analytics", "Stage Data & Analytics"),
])
def test_clean_position_trades_fields_and_references(raw: str, expected: str | None) -> None:
    assert clean_position(raw) == expected


@pytest.mark.parametrize(("sender", "subject", "body", "position"), [
    ("Élodie <elodie@maisoncolibri.fr>", "C'est oui pour nous !",
     "On aimerait te proposer le CDI de cuisinier à Lyon. Je t'envoie le contrat.", "cuisinier"),
    ("Mistral AI <no-reply@ashbyhq.com>", "Your application to Mistral AI",
     "We wanted to let you know that the Machine Learning Engineer, Inference position has now been filled.",
     "Machine Learning Engineer, Inference"),
    ("Algolia <no-reply@hackerrank.com>", "Coding assessment",
     "As the next step in our hiring process for Software Engineer, Search Relevance, you've been invited to "
     "complete an online coding assessment.", "Software Engineer, Search Relevance"),
    ("Doctolib <jobs@doctolib.recruitee.com>", "Prochaine étape",
     "Nous avons le plaisir de t'inviter à l'étape suivante du processus pour l'alternance Data Analyst : une "
     "étude de cas à préparer. Choisis ton créneau.", "Data Analyst"),
])
def test_position_phrases_of_templates_and_replies(sender: str, subject: str, body: str, position: str) -> None:
    evidence = evidence_of(incoming(sender, subject, body))
    assert evidence.position == position


def test_a_group_domain_gives_way_to_the_establishment_the_text_names() -> None:
    message = mail(ME, "Candidature Chef de rang",
                   "Je souhaite postuler au poste de chef de rang au restaurant de l'Hôtel Barrière Le Royal. "
                   "CV joint.", to="recrutement@groupebarriere.com", attachment="CV.pdf")
    evidence = evidence_of(message)
    assert evidence.company == "Hôtel Barrière Le Royal"


@pytest.mark.parametrize(("text", "local", "display", "place"), [
    ("Un poste s'est libéré sur notre site de Vénissieux.", "", "", "venissieux"),
    ("Rendez-vous à Saint-Priest lundi.", "", "", "saintpriest"),
    ("Entrepôt Nord, 59810 Lesquin", "", "", "lesquin"),
    ("Vendeur H/F - Toulon (83)", "", "", "toulon"),
    ("The role is based in Leeds.", "", "", "leeds"),
    ("", "magasin.lagrandeplaine", "Decora La Grande Plaine", "lagrandeplaine"),
])
def test_places_in_the_message(text: str, local: str, display: str, place: str) -> None:
    assert place in places_in(text, local, display)


def test_a_business_named_after_its_owner_is_not_a_site() -> None:
    assert "moreau" not in places_in("", "garage.moreau", "Garage Moreau")
    assert without_site("Garage Moreau", places_in("", "garage.moreau", "Garage Moreau")) == "Garage Moreau"


def test_without_site_keeps_a_place_joined_to_the_name() -> None:
    places = places_in("La mairie de Clisson, à Clisson.")
    assert without_site("Mairie de Clisson", places) == "Mairie de Clisson"
    assert without_site("Hôtel Lumière Le Grand Large Saint-Malo", places_in("à Saint-Malo")) == \
        "Hôtel Lumière Le Grand Large"


@pytest.mark.parametrize(("sender", "subject", "body", "company"), [
    # a division after the brand the domain spells is part of the name
    ("Talents Sopraxis <recrutement@sopraxis.com>", "Votre candidature - Consultant SI",
     "Nous avons bien reçu votre candidature au poste de Consultant SI.\n\nL'équipe Recrutement\n"
     "Sopraxis Digital Factory", "Sopraxis Digital Factory"),
    ("Nora Petit <nora.petit@vantoria.com>", "Entretien - Ingénieur méthodes",
     "Je vous propose un entretien le jeudi 6 mars à 10h pour le poste d'Ingénieur méthodes.\n\n"
     "Nora Petit\nChargée de recrutement | Vantoria Aerostructures", "Vantoria Aerostructures"),
    # a site after the brand goes: the text writes it as a place
    ("Nora Petit <nora.petit@vantoria.com>", "Entretien - Cariste",
     "Je vous propose un entretien le jeudi 6 mars à 10h sur notre site de Méricourt pour le poste de "
     "cariste.\n\nNora Petit\nChargée de recrutement | Vantoria Méricourt", "Vantoria"),
    # the brand written after "à" is not a place
    ("Recrutement IDF Vantoria <contact.recrutement-idf@vantoria.com>", "Votre candidature",
     "Nous avons bien reçu votre candidature à Vantoria et nous vous remercions.\n\nService Ressources Humaines\n"
     "Vantoria Construction Île-de-France", "Vantoria Construction"),
    # the registered entity of the legal line is not the name a person writes
    ("Sopraxis Recrutement <no-reply@sopraxis.com>", "Application received",
     "Sopraxis Digital Factory\n\nWe confirm receipt of your application for the Data Consultant position.\n\n"
     "Sopraxis Engineering Services SAS - 12 rue de la Paix, 75002 Paris", "Sopraxis Digital Factory"),
    # a group's domain: the establishment the signature names, without its site
    ("Recrutement Lumière Saint-Malo <recrutement.saintmalo@groupelumiere.com>", "Entretien Réceptionniste",
     "Nous vous proposons un entretien le lundi 3 mars à 16h pour le poste de réceptionniste.\n\n"
     "Service Ressources Humaines\nHôtel Lumière Le Grand Large Saint-Malo", "Hôtel Lumière Le Grand Large"),
    # a firm's trade after the name the domain spells is not part of it
    ("Anne Holt <aholt@bakerandreeves.co.uk>", "RE: Audit Junior application",
     "Thank you for your application for the Audit Junior role, safely received.\n\nAnne Holt\n"
     "Practice Manager\nBaker & Reeves Chartered Accountants", "Baker & Reeves"),
])
def test_division_site_and_trade_after_a_brand(sender: str, subject: str, body: str, company: str) -> None:
    evidence = evidence_of(incoming(sender, subject, body))
    assert evidence.company == company


def test_a_recruiting_team_sign_off_beats_an_ats_display_name_the_body_never_writes() -> None:
    message = incoming("Kingsbridge Hospital Recruitment <noreply@trac.jobs>", "Invitation to interview - Staff Nurse",
                       "Dear Sam\n\nI am pleased to invite you to attend an interview for the Staff Nurse post on "
                       "Friday 07/02/2025 at 14:30.\n\nYours sincerely\n"
                       "Recruitment Team, Severn Valley NHS Foundation Trust")
    evidence = evidence_of(message)
    assert evidence.company == "Severn Valley NHS Foundation Trust"


def test_a_group_suffix_domain_gives_way_to_the_subsidiary_the_signature_names() -> None:
    message = incoming("Nora Petit <nora.petit@vantoriagroup.com>", "RE: Candidature Ingénieur méthodes",
                       "Bonjour Thomas,\n\nLe manager a fait le choix de poursuivre avec d'autres candidats pour le "
                       "poste d'Ingénieur méthodes. Je suis désolée pour ce retour négatif.\n\nNora Petit\n"
                       "Talent Acquisition Partner\nVantoria Aerostructures")
    evidence = evidence_of(message)
    assert evidence.company == "Vantoria Aerostructures"


def test_segment_label_with_the_words_the_message_writes() -> None:
    written = written_words("Your clinic's focus on patient experience appeals to me.")
    assert segment_label("thecircleclinic") is None
    assert segment_label("thecircleclinic", written) == "The Circle Clinic"


def test_an_nhs_trust_domain_is_its_own_label() -> None:
    assert registrable_label("ouh.nhs.uk") == "ouh"


@pytest.mark.parametrize(("domain", "label"), [
    ("lumenor.example", "lumenor"),
    ("rh.lumenor.test", "lumenor"),
    ("careers.nordicair.example.com", "nordicair"),
    ("emplois.lumenor.example.ca", "lumenor"),
    ("example.org", ""),
    ("localhost", ""),
    ("rh.acme.com.mx", "acme"),
])
def test_a_reserved_or_unknown_suffix_is_never_the_label(domain: str, label: str) -> None:
    assert registrable_label(domain) == label


@pytest.mark.parametrize(("sender", "company"), [
    ("RH <rh@lumenor.example>", "Lumenor"),
    ("<careers@lumenor.example.com>", "Lumenor"),
    ("<careers@example.com>", None),
])
def test_a_reserved_domain_never_gives_its_suffix_as_the_company(sender: str, company: str | None) -> None:
    message = incoming(sender, "Votre candidature", "Nous avons bien reçu votre candidature et reviendrons vers vous.")
    assert evidence_of(message).company == company


EXTRACTION_FAMILY_CASES = [
    # "Group" after a name of two words is part of it; after one word it is not
    ("Talent <talent@orvane-group.ch>", "Invitation to interview",
     "We'd like to invite you to an interview.\n\nTalent Acquisition – Orvane Marine Group", "Orvane Marine Group"),
    # a public body's abbreviation spelled out as the signature writes it
    ("Secrétariat DRH - CH Plouzenec <drh@ch-plouzenec.fr>", "Convocation entretien",
     "Vous êtes convoqué à un entretien le mardi 3 juin à 10h.\n\nCordialement,\n\nSecrétariat DRH\n"
     "Centre hospitalier de Plouzenec", "Centre hospitalier de Plouzenec"),
    # a name in capitals (legal footer) written in mixed case, with its head, by the signature
    ("MARTEL Jean <j.martel@brevard-freres.fr>", "RE: Entretien",
     "J'ai le plaisir de vous proposer le poste en CDI.\n\nJean Martel\nBanque Brevard Frères – 2 rue Neuve\n\n"
     "BREVARD FRERES SA – capital de 1 000 000 €", "Banque Brevard Frères"),
]


@pytest.mark.parametrize(("sender", "subject", "body", "company"), EXTRACTION_FAMILY_CASES)
def test_company_as_the_message_writes_it(sender: str, subject: str, body: str, company: str) -> None:
    evidence = evidence_of(incoming(sender, subject, body))
    assert evidence.company == company


def _html_mail(sender: str, subject: str, html: str) -> Message:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ME, subject
    message["Date"] = "Wed, 14 May 2025 10:00:00 +0200"
    message.set_content(html, subtype="html")
    return parse_message(message.as_bytes())


def test_a_job_boards_table_cells_are_read_as_label_and_value() -> None:
    """An HTML table's label cell and value cell ("Employeur" | "Centre hospitalier…") are two
    fields once flattened, not one glued word ("EmployeurCentre…") nor one name running into
    the next cell."""
    html = ("<p>Vous avez postulé le 14/05/2025 à l'offre suivante :</p><table>"
            "<tr><td>Intitulé</td><td>Aide-soignant de nuit (H/F)</td></tr>"
            "<tr><td>Employeur</td><td>Centre hospitalier de Lanvaudan</td><td>Type</td><td>CDI</td></tr>"
            "<tr><td>Lieu de travail</td><td>56 - LORIENT</td></tr></table>")
    evidence = evidence_of(_html_mail("France Travail <ne-pas-repondre@francetravail.fr>",
                                      "Confirmation de votre candidature", html))
    assert (evidence.kind.value, evidence.company, evidence.position) == (
        "application", "Centre hospitalier de Lanvaudan", "Aide-soignant de nuit")


def test_a_plain_text_table_writes_each_label_above_its_value() -> None:
    body = ("Ta candidature a bien été envoyée.\n\nOffre\nStage - Assistant chef de produit textile (F/H)\n\n"
            "Entreprise\nDecathlon\n\nType\nStage · 6 mois\n")
    evidence = evidence_of(incoming("JobTeaser <notifications@jobteaser.com>", "Ta candidature a été transmise",
                                    body))
    assert (evidence.kind.value, evidence.company) == ("application", "Decathlon")


def test_a_job_boards_suggestions_are_not_the_position() -> None:
    body = ("Mise à jour de votre candidature\n\nRéceptionniste de nuit H/F\nHôtel Les Aulnes – Die (26)\n\n"
            "L'employeur a décidé de ne pas donner suite.\n\nContinuez votre recherche\n\n"
            "Night auditor – Hôtel du Parc – Crest\n")
    evidence = classify(incoming("Indeed <donotreply@indeed.com>", "Mise à jour de votre candidature", body),
                        Context(me=frozenset({ME})))
    assert evidence.kind.value == "rejection"
    assert evidence.position == "Réceptionniste de nuit"


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("CH Plouzenec", "Centre hospitalier de Plouzenec\nRue Haute", "Centre hospitalier de Plouzenec"),
    ("CH Plouzenec", "Le CH recrute.", "CH Plouzenec"),
    ("BREVARD FRERES", "Banque Brevard Frères – Lyon", "Banque Brevard Frères"),
    ("BREVARD FRERES", "BREVARD FRERES SA", "BREVARD FRERES"),
    ("SNCF", "Sncf Voyageurs", "SNCF"),
])
def test_as_written_needs_the_long_form_in_the_text(name: str, text: str, expected: str) -> None:
    assert as_written(name, text) == expected


@pytest.mark.parametrize(("name", "text", "expected"), [
    # an acronym spelled out by the words whose initials it takes
    ("OPNR", "Merci de l'intérêt porté à l'Office public des Navettes riveraines.",
     "Office public des Navettes riveraines"),
    ("OPNR", "Merci de votre intérêt.", "OPNR"),
    # a domain cut into the wrong words, as the text writes it
    ("Clinique Bel Air de Smonts", "Bloc opératoire, Clinique Bel-Air des Monts, Vannes",
     "Clinique Bel-Air des Monts"),
    # an abbreviation read in full
    ("PAIN & CIE", "Pain & Compagnie – Vannes Centre", "Pain & Compagnie"),
    # the text spells only the name after its head
    ("Garage Lemoalferrand", "c Karim du garage Lemoal-Ferrand.", "Garage Lemoal-Ferrand"),
])
def test_as_written_spellings(name: str, text: str, expected: str) -> None:
    assert as_written(name, text) == expected


def test_names_in_keeps_des_inside_a_name() -> None:
    assert "Clinique Bel-Air des Monts" in list(names_in("Bloc opératoire, Clinique Bel-Air des Monts, Vannes"))


@pytest.mark.parametrize(("raw", "expected"), [
    ("Les Forges du Rhône", "Les Forges du Rhône"),
    ("Forges Martel Rhône", "Forges Martel"),
    ("35000 Rennes", None),
])
def test_clean_company_places_and_addresses(raw: str, expected: str | None) -> None:
    assert clean_company(raw) == expected


@pytest.mark.parametrize(("sender", "subject", "body", "company"), [
    # "First de Company" as a display name, signed by that first name and a surname
    ("Lina de Velarix <no-reply@hire.lever.co>", "Velarix x Camille",
     "Merci pour ta candidature. Choisis le créneau qui te convient ici : https://calendly.example/lina\n\n"
     "À très vite,\nLina Portal\nTalent Acquisition - Velarix", "Velarix"),
    # a trade and its qualifier before the display name, on a signature line
    ("Vergers de Brume - Recrutement <ne-pas-repondre@beetween.com>", "Réception de votre candidature",
     "Nous avons bien reçu votre candidature au poste de cueilleur.\n\nLe service RH\n"
     "Coopérative Fruitière Vergers de Brume - Silo de Varenne", "Coopérative Fruitière Vergers de Brume"),
    # a compound trade head after a dash in a signature
    ("Les Petits Lutins <lespetitslutins.direction@gmail.com>", "Re: Candidature",
     "Merci pour votre candidature. Je vous propose un premier entretien en visio pour le poste d'auxiliaire :\n"
     "mercredi 12 novembre à 13h30\nLien Google Meet : https://meet.google.example/abc\n\nHanane Brissac\n"
     "Directrice - Micro-crèche Les Petits Lutins (Lyon)", "Micro-crèche Les Petits Lutins"),
    # an acronym sender, the body writes the long form
    ("OPNR - Recrutement <opnr-recrutement@talent-soft.com>", "Accusé de réception",
     "Nous accusons réception de votre candidature et vous remercions de l'intérêt que vous portez à "
     "l'Office public des Navettes riveraines.", "Office public des Navettes riveraines"),
    # a job board's "transmise au recruteur X"
    ("Meteojob <info@meteojob.com>", "Votre candidature a bien été transmise",
     "Votre candidature pour l'offre « Agent d'accueil (F/H) » a bien été transmise au recruteur Mairie de "
     "Saint-Ours-les-Bains.", "Mairie de Saint-Ours-les-Bains"),
    # a postcode line is an address, not the employer
    ("Accueil Mairie Vallonne <mairie@vallonne-sur-orge.fr>", "RE: Candidature secrétaire de mairie",
     "Nous accusons bonne réception de votre candidature au poste de secrétaire de mairie.\n\nBien cordialement,"
     "\n\nSylvie Marchal\nMairie de Vallonne-sur-Orge\n1 place de la Mairie - 91000 Vallonne-sur-Orge",
     "Mairie de Vallonne-sur-Orge"),
])
def test_company_written_forms(sender: str, subject: str, body: str, company: str) -> None:
    assert evidence_of(incoming(sender, subject, body)).company == company


def test_position_after_notre_offre() -> None:
    body = ("Merci d'avoir postulé à notre offre Chaudronnier TIG (H/F) sur notre site. "
            "Nous avons bien reçu votre candidature.")
    evidence = evidence_of(incoming("Les Forges du Rhône <no-reply@flatchr.io>", "Candidature reçue", body))
    assert (evidence.company, evidence.position) == ("Les Forges du Rhône", "Chaudronnier TIG")


def test_without_site_never_leaves_a_generic_head_alone() -> None:
    """An ATS address whose local part is the tenant (`hestial@myworkday.com`) reads like a
    site mailbox; cutting "Hestial" would leave "Groupe", no employer at all."""
    places = places_in("", "hestial", "Groupe Hestial")
    assert without_site("Groupe Hestial", places) == "Groupe Hestial"
    assert without_site("Groupe Hestial Lyon", places_in("à Lyon")) == "Groupe Hestial"


@pytest.mark.parametrize(("body", "company"), [
    # the signer's name under the sign-off is a person's, never the company
    ("Thank you for your application for the analyst role. We will be in touch.\n\nBest,\nHarriet Cole", "Brightfold"),
    ("Merci pour votre candidature au poste de vendeur.\n\nCordialement,\nBoulangerie Moreau", "Boulangerie Moreau"),
])
def test_the_signer_of_the_mail_is_not_the_company(body: str, company: str | None) -> None:
    message = incoming("Recruiting <jobs@brightfold.com>", "Your application", body)
    assert evidence_of(message).company == company


@pytest.mark.parametrize("name", [
    "Miles Quinn", "Tony Lopes", "Naomi Ingram", "Zach Keane", "Reece Holt", "Harriet Cole", "Leanne",
    "Aurélien Roux", "Coralie Klein", "Tiphaine Vallet", "Nolwenn Le Gall", "Soizic Tanguy", "Kylian Mbaye",
    "Jean-Pierre Morel", "Aïssatou Diallo", "Gonçalo Sousa", "Zeynep Yılmaz", "Thanh Nguyen",
])
def test_a_common_first_name_is_a_person(name: str) -> None:
    assert looks_like_person(name, "careers")


@pytest.mark.parametrize("name", [
    "Marine Nationale", "Orange", "Alliance", "Victoire", "Jade", "Ambre", "Olive", "Rose", "Pierre",
    "Grace", "Hope", "May", "Will", "Mark", "Bill", "Frank", "Sunny", "Holly", "Ivy", "Joy", "Dawn",
    "Summer", "Crystal", "Iris", "Lys", "Capucine", "Prune", "Océane Habitat",
])
def test_a_common_word_is_no_first_name(name: str) -> None:
    assert not looks_like_person(name)


def test_no_first_name_is_a_trade_role_or_institution_word() -> None:
    """A first name is read as a person's: one that is also a word of businesses' names, of
    roles or of public bodies would take an employer for a person ("Cabinet", "Ville")."""
    tables = extraction()
    words = (tables.business_heads | tables.business_tails | tables.generic_name_words | tables.role_words
             | tables.institution_words | tables.honorifics | tables.company_stopwords
             | tables.department_words | tables.service_words | tables.furniture_words)
    # a compound name is read by its first part ("jean-pierre"); "marie-france" may end with a word
    read = tables.first_names | {name.split("-")[0] for name in tables.first_names}
    assert not read & words


@pytest.mark.parametrize("line", [
    "Envoyé de mon iPhone", "Sent from my iPhone", "Envoyé depuis mon mobile",
    "Sent from Outlook for Android", "Get Outlook for iOS",
])
def test_a_phone_signature_is_never_the_company(line: str) -> None:
    body = f"Bonjour,\n\nPouvez-vous passer mardi à 10h pour un entretien ?\n\nCordialement,\n\n{line}"
    assert evidence_of(incoming("Claire <claire.perrin@gmail.com>", "Entretien", body)).company is None


def test_a_cabinet_writing_for_its_client_names_the_client() -> None:
    """A recruiter of a cabinet with its own domain: the employer is the client it recruits for."""
    body = ("Bonjour Camille,\n\nJe reviens vers vous au sujet du poste de Chef d'équipe que je recrute pour "
            "notre client Papeteries Morvan. Elles ont retenu d'autres profils, je ne peux donc pas donner une "
            "suite favorable à votre candidature.\n\nBien à vous,\nSolène Carré\nConsultante - Arbane Conseil\n")
    evidence = evidence_of(incoming("Solène Carré <s.carre@arbane-conseil.fr>", "Votre candidature", body))
    assert (evidence.kind.value, evidence.company) == ("rejection", "Papeteries Morvan")


def test_a_small_employer_signs_under_its_first_name_below_a_greeting() -> None:
    """A short reply whose last lines hold the greeting ("Bonjour Camille"), the owner's first name
    and the shop: the shop is the employer, the greeted seeker is not."""
    body = ("Bonjour Camille\nBien reçu ton CV merci, je regarde ça et je te rappelle lundi.\nGérard\n"
            "Fromagerie Vasseur\n")
    evidence = evidence_of(incoming("Gérard <gerard.vasseur63@gmail.com>", "RE: Poste de vendeur", body))
    assert evidence.company == "Fromagerie Vasseur"


def test_a_business_named_only_in_the_quoted_application() -> None:
    """The owner answers from a personal mailbox and names no business: the seeker's quoted
    application does ("chez Carrosserie Dumont")."""
    body = ("Bonjour,\nDésolée, le poste a été pourvu la semaine dernière. Je garde votre CV.\nBonne continuation\n"
            "Martine\n\nLe mar. 4 mars 2025 à 18:00, Camille Durand <camille.durand@gmail.com> a écrit :\n"
            "> Bonjour,\n> Je vous propose ma candidature pour le poste de carrossier chez Carrosserie Dumont.\n"
            "> Cordialement,\n> Camille Durand\n")
    evidence = evidence_of(incoming("Martine R <martine.r1960@orange.fr>", "RE: Poste de carrossier", body))
    assert (evidence.kind.value, evidence.company) == ("rejection", "Carrosserie Dumont")


@pytest.mark.parametrize(("body", "company"), [
    ("Bonjour,\nJe vous propose ma candidature pour le poste de vendeur chez Boulangerie Thiers. Mon CV est "
     "en pièce jointe.\nCordialement,\nCamille Durand\n", "Boulangerie Thiers"),
    # the seeker's past work is no employer of this application
    ("Bonjour,\nPendant trois ans, j'ai travaillé comme vendeur chez Boulangerie Thiers. Je vous propose ma "
     "candidature pour votre annonce.\nCordialement,\nCamille Durand\n", None),
])
def test_the_seekers_letter_names_the_business_it_applies_to(body: str, company: str | None) -> None:
    message = mail(ME, "Poste de vendeur", body, to="Paul <paul.thiers@gmail.com>")
    evidence = evidence_of(message)
    assert (evidence.kind.value, evidence.company) == ("application", company)


@pytest.mark.parametrize("name", ["Bonne continuation", "Cheers", "Bien à vous", "RIB", "EHPAD", "Boulangerie"])
def test_sign_offs_papers_and_a_trade_alone_are_no_employer(name: str) -> None:
    assert not acceptable(name)


def test_signature_names_read_a_first_name_at_a_business_and_skip_sentences() -> None:
    assert list(signature_names("Thanks!\nClaire @ The Harbour Arms Hotel", "Claire Byrne")) == [
        "The Harbour Arms Hotel"]
    assert list(signature_names("Ne vous découragez pas\nSe désinscrire\nPressing Lumière", "")) == [
        "Pressing Lumière"]


@pytest.mark.parametrize(("sender", "body", "company"), [
    # a recruiting firm's domain: the role "with" its client
    ("Tom Price <tom@redline-recruitment.co.uk>",
     "Hi Sam,\n\nJust an update on the Forklift Driver role with Ashby Cold Store. Unfortunately they've "
     "decided to go with another candidate.\n\nCheers,\nTom Price\nConsultant | Redline Recruitment\n",
     "Ashby Cold Store"),
    # whoever sends: "le poste … que je recrute pour X"
    ("Grégoire Lamy <g.lamy@lamy-partners.fr>",
     "Bonjour,\n\nVotre profil a retenu mon attention pour le poste de Technicien SAV que je recrute pour "
     "Froid Industriel Morel. Je vous propose un entretien téléphonique jeudi à 10h.\n\nGrégoire Lamy\n"
     "Lamy Partners\n", "Froid Industriel Morel"),
])
def test_a_recruiter_names_the_client_it_recruits_for(sender: str, body: str, company: str) -> None:
    evidence = evidence_of(incoming(sender, "Votre candidature", body))
    assert evidence.kind.value in {"rejection", "interview"}
    assert evidence.company == company


@pytest.mark.parametrize(("sender", "subject", "body", "company"), [
    # a GEIQ: the member firm that interviews
    ("Sonia Leroux <s.leroux@geiq-industrie35.fr>", "Entretien chez Tôlerie Hamon",
     "Bonjour,\nAu nom du GEIQ Industrie 35, je vous informe que l'entreprise adhérente Tôlerie Hamon souhaite "
     "vous rencontrer mardi à 10h pour le contrat de professionnalisation de soudeur.\nSonia Leroux\n",
     "Tôlerie Hamon"),
    # a CFA passing on the employer's decision
    ("CFA des Métiers de Rennes <entreprises@cfa-rennes.fr>", "Votre contrat d'apprentissage avec Boucherie Gallais",
     "Bonjour,\nFélicitations ! L'entreprise Boucherie Gallais nous a confirmé son accord pour vous embaucher en "
     "contrat d'apprentissage, à compter du lundi 1er septembre.\nLe service relations entreprises\n",
     "Boucherie Gallais"),
    # a temp agency of the registry: the mission "chez" its client
    ("Lucie <lucie.morel@synergie.fr>", "Dispo lundi ?",
     "Salut,\nj'ai une mission pour toi : cariste chez Conserverie Kerlouan à Douarnenez, à partir de lundi, "
     "12,20 € de l'heure. Le client t'a validé, si tu es OK je prépare le contrat.\nLucie\n",
     "Conserverie Kerlouan"),
])
def test_a_go_between_names_the_firm_that_hires(sender: str, subject: str, body: str, company: str) -> None:
    evidence = evidence_of(incoming(sender, subject, body))
    assert evidence.company == company


def test_early_careers_is_a_team_of_the_employer() -> None:
    assert _display_names(Address("Marlow & Finch Early Careers", "earlycareers@marlowfinch.co.uk"),
                          _Texts("Assessment centre", "", "", ""), with_local=False) == ["Marlow & Finch"]


@pytest.mark.parametrize(("sender", "body", "company"), [
    ("Direction des soins <recrutement@ch-vannieres.fr>",
     "Bonjour,\nNous accusons bonne réception de votre candidature au poste d'infirmier de nuit au Centre "
     "hospitalier de Vannières. Elle sera étudiée par la direction des soins.\nLe service recrutement\n",
     "Centre hospitalier de Vannières"),
    ("Service RH <rh@cc-valdelys.fr>",
     "Madame,\nNous avons bien reçu votre candidature au poste d'agent d'accueil de la Communauté de communes "
     "du Val de Lys. Elle sera examinée par le jury.\nLe service des ressources humaines\n",
     "Communauté de communes du Val de Lys"),
])
def test_a_public_body_named_by_its_place_keeps_its_head(sender: str, body: str, company: str) -> None:
    """The domain spells the place ("ch-vannieres"); the text writes the body whole."""
    evidence = evidence_of(incoming(sender, "Votre candidature", body))
    assert (evidence.kind.value, evidence.company) == ("acknowledgement", company)


def test_a_platform_the_mail_came_through_is_not_the_employer() -> None:
    """"X via <platform>" from the platform's own domain: the domain spells the platform, the
    display name the employer."""
    body = ("Bonjour,\nAudrey vous invite à signer le document « Contrat de travail - Technicienne réseau ».\n"
            "Consulter et signer le document\nSignaprim - signature électronique\n")
    evidence = evidence_of(incoming("Brévanne Télécom via Signaprim <notifications@signaprim.eu>",
                                    "Audrey vous invite à signer : Contrat de travail", body))
    assert evidence.company == "Brévanne Télécom"


@pytest.mark.parametrize(("sender", "body", "company"), [
    ("France Travail <ne-pas-repondre@francetravail.fr>",
     "Bonjour,\n\nVous avez postulé le 11/09/2026 à l'offre n° 112233E :\nTechnicien méthodes (H/F) - Brasselot "
     "Usinage\n\nVotre candidature a été transmise au recruteur.\n", "Brasselot Usinage"),
    ("Jobijoba <alerte@jobijoba.com>",
     "Bonjour,\n\nVotre candidature a bien été transmise au recruteur pour l'offre suivante :\n\nCaviste H/F\n"
     "Cave des Halles Vernon\nVernon (27)\n\nMerci d'utiliser Jobijoba.\n", "Cave des Halles Vernon"),
])
def test_a_job_boards_card_names_the_employer(sender: str, body: str, company: str) -> None:
    evidence = evidence_of(incoming(sender, "Votre candidature", body))
    assert (evidence.kind.value, evidence.company) == ("application", company)


def test_a_job_boards_suggestions_name_no_employer() -> None:
    body = ("Votre candidature a bien été envoyée.\n\nAssistant dentaire H/F\nCabinet Dentaire Lumière\n"
            "Bordeaux (33)\n\nOffres similaires près de Bordeaux (33)\nVendeur conseil H/F — Pessac\n"
            "Agent d'accueil — Talence\n")
    evidence = evidence_of(incoming("Indeed <indeedapply@indeed.com>", "Candidature envoyée", body))
    assert evidence.company == "Cabinet Dentaire Lumière"


def test_a_business_named_after_a_trade_is_no_job_title() -> None:
    assert acceptable("Quincaillerie Barbier") and not acceptable("Senior Barbier")


def test_the_name_is_kept_as_the_text_writes_it_whole() -> None:
    """A tenant's or a display name's short form ("Marrow") is the text's "Marrow Group" when the
    text writes it so; a site after it is not part of it."""
    body = ("Dear Camille,\nThank you for applying to the Data Analyst position at Marrow Group. We have received "
            "your application.\nBest regards,\nMarrow Group Talent Acquisition\n")
    evidence = evidence_of(incoming("Marrow <marrow@myworkday.com>", "Thank you for applying", body))
    assert evidence.company == "Marrow Group"
