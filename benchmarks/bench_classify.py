"""Messages per second of `classify_many`, one process, one core.

The mix is the labelled corpus (blind sets aside) and 500 long French HTML
newsletters full of job-adjacent words (offers, "candidature", "entretien",
"rendez-vous"…; about 60 KB of text each, made here): the cost of a message must
follow its zones, not its length. Time is the process's CPU time, so the figures are
per core even on a busy machine. Everything is parsed beforehand; the model and
spaCy are loaded (and warmed) before the clock starts. Prints the throughput of
the mix and of each half, and the cost per KB of text of newsletters of growing
length (it should stay flat: the zones are bounded).

    python benchmarks/bench_classify.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import time
from email.message import EmailMessage
from pathlib import Path

from carnet.classify import classify_many
from carnet.classify.evaluate import load_labels
from carnet.classify.evidence import Context
from carnet.classify.nlp import pipeline
from carnet.ingest.message import Message
from carnet.ingest.parse import parse_message

MINIMUM = 1000
NEWSLETTERS = 500
_SENTENCES = (
    "Découvrez les {n} nouvelles offres d'emploi en CDI et CDD près de chez vous cette semaine.",
    "Postulez en un clic : votre candidature est envoyée directement au recruteur.",
    "Préparez votre entretien d'embauche avec nos conseils : tenue, questions, rendez-vous.",
    "Agent de maintenance H/F - Lyon - CDI - salaire selon profil, poste à pourvoir rapidement.",
    "Infirmier de bloc opératoire (F/H) : la clinique recrute, entretien sous 48 h.",
    "Votre rendez-vous avec un conseiller : prenez rendez-vous en ligne pour votre projet.",
    "Nos partenaires recrutent : banque, assurance, pharmacie, garage, hôtellerie et restauration.",
    "Félicitations à nos lauréats ! Le jury a retenu votre attention sur les offres de la semaine.",
    "Alternance, stage, intérim : trouvez le contrat qui vous correspond parmi {n} annonces.",
    "Nous avons bien reçu votre demande d'abonnement aux alertes emploi de notre site.",
)


def newsletter(index: int, kilobytes: int = 60) -> Message:
    """A long French HTML newsletter of a job site, with list headers."""
    paragraphs, size, n = [], 0, 0
    while size < kilobytes * 1000:
        sentence = _SENTENCES[n % len(_SENTENCES)].format(n=n + index)
        paragraphs.append(f"<tr><td style='padding:8px'><p>{sentence}</p></td></tr>")
        size, n = size + len(sentence), n + 1
    mail = EmailMessage()
    mail["From"] = "Emploi Hebdo <newsletter@emploi-hebdo.fr>"
    mail["To"] = "lea.martin@free.fr"
    mail["Subject"] = f"Les offres de la semaine n°{index} : entretien, candidature, rendez-vous"
    mail["Date"] = "Tue, 04 Mar 2025 08:00:00 +0100"
    mail["List-Unsubscribe"] = "<mailto:unsubscribe@emploi-hebdo.fr>"
    mail.set_content("<html><body><table>" + "".join(paragraphs) + "</table></body></html>", subtype="html")
    return parse_message(mail.as_bytes())


def rate(messages: list[Message], contexts: list[Context]) -> float:
    """Messages per second, classifying the batch until MINIMUM messages are done."""
    repeat = -(-MINIMUM // len(messages))
    started = time.process_time()
    for _ in range(repeat):
        classify_many(messages, contexts)
    return repeat * len(messages) / (time.process_time() - started)


def main(root: Path) -> None:
    labels = load_labels(root)
    corpus = [parse_message(label.path.read_bytes()) for label in labels]
    corpus_contexts = [Context(me=label.me) for label in labels]
    letters = [newsletter(i) for i in range(NEWSLETTERS)]
    letter_contexts = [Context(me=frozenset({"lea.martin@free.fr"}))] * len(letters)
    pipeline()  # loaded when a message first needs it; here, before the clock
    classify_many(corpus, corpus_contexts)
    text = sum(len(m.text) for m in letters) / len(letters) / 1000
    print(f"corpus: {len(corpus)} messages; newsletters: {len(letters)} of {text:.0f} KB of text each")
    print(f"mix: {rate(corpus + letters, corpus_contexts + letter_contexts):.0f} messages/s")
    print(f"corpus alone: {rate(corpus, corpus_contexts):.0f} messages/s")
    print(f"newsletters alone: {rate(letters, letter_contexts):.0f} messages/s")
    for kilobytes in (15, 60, 240):
        sized = [newsletter(i, kilobytes) for i in range(100)]
        per_second = rate(sized, [Context()] * len(sized))
        print(f"newsletters of {kilobytes} KB: {per_second:.0f} messages/s, "
              f"{1e6 / per_second / kilobytes:.1f} µs per KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "tests" / "corpus")
