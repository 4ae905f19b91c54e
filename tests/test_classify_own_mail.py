"""The seeker's own mail is an application only when it shows one; everyday sent mail
that shares job words ("entretien" of a boiler, "rendez-vous" at the doctor's, "une offre"
for a trip) is no evidence, and is not even put to the model."""

from __future__ import annotations

import pytest
from carnet.classify import classify
from carnet.classify.evidence import Context, Kind
from carnet.classify.reading import read
from test_classify_rules import ME, mail

FRIEND = "hugo.petit@yahoo.fr"

EVERYDAY_SENT = [
    ("Covoiturage", "Le chauffagiste passe jeudi pour l'entretien de la chaudière, tu pourras être là ?\n"
     "On se donne rendez-vous samedi devant la gare, vers 14 h ?"),
    ("Rendez-vous chez le médecin", "J'ai rendez-vous chez le dentiste mardi, je t'appelle après.\n"
     "Le garage a fait l'entretien de la voiture."),
    ("Re: Samedi", "J'ai vu une offre pour le Portugal en juin, ça te dirait ?\nBisous"),
    ("Le dossier de la cantine", "On a eu un entretien avec la maîtresse, tout va bien pour Léo.\n"
     "Je t'envoie le dossier ce soir."),
    ("Vacances", "J'ai vu une offre sur le site de la SNCF, le train est à 39 €. On réserve ?"),
    ("Chez le kiné", "Rendez-vous chez le kiné jeudi, puis entretien annuel de la voiture au garage."),
]


@pytest.mark.parametrize(("subject", "body"), EVERYDAY_SENT)
def test_everyday_sent_mail_with_job_words_is_no_application(subject: str, body: str) -> None:
    message = mail(ME, subject, body, to=FRIEND)
    reading = read(message, Context(me=frozenset({ME})))
    assert reading.closed is not None and reading.closed.reason.startswith("no-application-in-sight")
    assert classify(message, Context(me=frozenset({ME}))).kind is Kind.NONE


SHOWN_APPLICATIONS = [
    # a subject that names the job, nothing else
    ("livreur", "Bonjour, je suis dispo tout de suite, j'ai le permis B et un scooter. Merci", None),
    ("Demande d'emploi", "Madame, Monsieur, artisan plaquiste depuis 12 ans, je cherche un chantier.", None),
    # applying wording, a subject that names nothing
    ("Bonjour", "Je me permets de vous adresser ma candidature pour le poste de vendeuse.", None),
    ("Suite à notre échange", "Comme convenu, j'ai vu votre annonce et je vous envoie mon CV.", None),
    # a CV attached, a subject that names nothing
    ("Bonjour Madame", "Voici les documents que vous m'avez demandés.", "CV_Camille_Durand.pdf"),
]


@pytest.mark.parametrize(("subject", "body", "attachment"), SHOWN_APPLICATIONS)
def test_an_application_shown_by_subject_wording_or_cv_is_put_to_the_model(
        subject: str, body: str, attachment: str | None) -> None:
    message = mail(ME, subject, body, to="contact@boulangerie-moreau.fr", attachment=attachment)
    reading = read(message, Context(me=frozenset({ME})))
    assert reading.closed is None or not reading.closed.reason.startswith("no-application-in-sight")


@pytest.mark.parametrize(("subject", "body", "attachment"), [
    # a degree's application, with the CV a school asks for
    ("MSc application documents", "Dear Admissions,\nPlease find attached my application documents for the MSc "
     "in Logistics Management (September intake), including my CV and transcripts.\nYours sincerely,\nCamille",
     "CV_camille.pdf"),
    # a CV shown to a mentor for comments
    ("New CV", "Hi Gareth,\nThanks again for all the advice last week. I've redone my CV in the British format, "
     "it's attached - any comments welcome!\nCamille", "CV_camille.pdf"),
    ("Mon CV refait", "Coucou Inès,\nVoici mon CV refait avec la nouvelle mise en page. Tes remarques sont les "
     "bienvenues avant que je l'envoie !\nBises", "CV_camille.pdf"),
])
def test_the_seekers_cv_sent_for_something_else_than_a_job_is_no_application(
        subject: str, body: str, attachment: str) -> None:
    """Never recorded as sure evidence: `none`, or at worst in doubt, kept for the seeker's review
    and out of the exports (the English CV shown to a mentor reads 0.51 application today)."""
    message = mail(ME, subject, body, to=FRIEND, attachment=attachment)
    evidence = classify(message, Context(me=frozenset({ME})))
    assert evidence.kind is Kind.NONE or evidence.in_doubt
