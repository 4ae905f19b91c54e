"""France Travail "démarches" categories for logbook events."""

from __future__ import annotations

# (pourquoi, quoi) codes of France Travail's démarches resource.
DEMARCHES = {
    "Q14": ("P03", "Mes candidatures", "Réponse à des offres d'emploi"),
    "Q15": ("P03", "Mes candidatures", "Candidatures spontanées"),
    "Q16": ("P03", "Mes candidatures", "Suivi de ses candidatures et relance des recruteurs"),
    "Q18": ("P04", "Mes entretiens d'embauche", "Réalisation d'entretiens d'embauche"),
}


def demarche_code(kind: str, application_type: str | None) -> str:
    """The démarche an event documents: applying, following up, or interviewing."""
    if kind == "application":
        return "Q15" if application_type == "spontaneous" else "Q14"
    if kind == "interview":
        return "Q18"
    return "Q16"
