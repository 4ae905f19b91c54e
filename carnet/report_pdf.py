"""The PDF report of an export, in French, for a France Travail adviser or controller.

It shows, for the period: counts per week, then each application with its
entries (date, kind, démarche, verification badge), and the chain heads that
tie the report to the logbook. ReportLab's base-14 fonts cover French accents
(WinAnsi), so no font file is needed.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from carnet.store.logbook import LogbookRow
from carnet.store.reviews import Declaration

KIND_LABELS = {
    "application": "Candidature envoyée",
    "acknowledgement": "Accusé de réception",
    "rejection": "Réponse négative",
    "interview": "Convocation à un entretien",
    "offer": "Proposition d'embauche",
}

# label, badge colour, what it means
VERIFICATION_BADGES = {
    "dkim": ("DKIM vérifié", colors.HexColor("#1b7f3b"), "signature de l'expéditeur vérifiée par Carnet"),
    "provider": ("Fournisseur", colors.HexColor("#2b6cb0"), "signature vérifiée par la messagerie du demandeur"),
    "thread": ("Fil de discussion", colors.HexColor("#b7791f"), "réponse à une candidature envoyée"),
    "none": ("Non vérifié", colors.HexColor("#718096"), "aucune preuve technique"),
}

CORRECTED_MARK = "corrigé par le demandeur"
DECLARED_MARK = "déclaré, sans preuve"

APPLICATION_TYPES = {"ad_response": "réponse à une offre", "spontaneous": "candidature spontanée"}


@dataclass(frozen=True)
class ReportInput:
    rows: Sequence[LogbookRow]
    start: date
    end: date
    heads: Mapping[str, str]  # seeker → last hash of their chain
    generated: date
    corrections: Mapping[int, Mapping[str, str]] = field(default_factory=dict)  # entry id → seeker's values
    declared: Sequence[Declaration] = ()


def render(report: ReportInput) -> bytes:
    """The PDF bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title="Relevé des démarches de recherche d'emploi", author="Carnet",
    )
    document.build(_story(report))
    return buffer.getvalue()


def _story(report: ReportInput) -> list[Flowable]:
    styles = getSampleStyleSheet()
    story: list[Flowable] = [
        Paragraph("Relevé des démarches de recherche d'emploi", styles["Title"]),
        Paragraph(escape(_subtitle(report)), styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph("Synthèse par semaine", styles["Heading2"]),
        _weekly_table(report.rows),
        Spacer(1, 3 * mm),
        _legend(styles["Normal"]),
        Paragraph("Candidatures et réponses", styles["Heading2"]),
    ]
    if not report.rows:
        story.append(Paragraph("Aucune démarche enregistrée sur la période.", styles["Normal"]))
    for rows in _by_application(report.rows):
        story += _application_block(rows, styles, report.corrections)
    story += _declared_block(report.declared, styles)
    story += _chain_block(report.heads, styles)
    return story


def _subtitle(report: ReportInput) -> str:
    seekers = ", ".join(sorted({row.seeker for row in report.rows})) or "—"
    return (
        f"Demandeur : {seekers}. Période du {_fr(report.start)} au {_fr(report.end)}. "
        f"{len(report.rows)} entrée(s). Établi le {_fr(report.generated)} par Carnet."
    )


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "date inconnue"


def _weekly_table(rows: Sequence[LogbookRow]) -> Table:
    weeks: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.date:
            monday = row.date - timedelta(days=row.date.weekday())
            weeks[monday]["application" if row.kind == "application" else "reply"] += 1
    data = [["Semaine du", "Candidatures", "Réponses reçues", "Total"]]
    for monday in sorted(weeks):
        count = weeks[monday]
        data.append([_fr(monday), count["application"], count["reply"], count["application"] + count["reply"]])
    data.append(["Total", *(sum(line[i] for line in data[1:]) for i in (1, 2, 3))])
    table = Table(data, hAlign="LEFT")
    table.setStyle([*_grid_style(header_rows=1), ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")])
    return table


def _legend(style: ParagraphStyle) -> Paragraph:
    parts = [
        f'<font color="{colour.hexval()}"><b>{escape(label)}</b></font> : {escape(meaning)}'
        for label, colour, meaning in VERIFICATION_BADGES.values()
    ]
    return Paragraph("Niveaux de vérification — " + " ; ".join(parts) + ".", style)


def _by_application(rows: Sequence[LogbookRow]) -> list[list[LogbookRow]]:
    groups: dict[tuple[str, int], list[LogbookRow]] = defaultdict(list)
    for row in rows:
        groups[(row.seeker, row.application_id)].append(row)
    return sorted(groups.values(), key=lambda group: (group[0].seeker, min(r.date or date.max for r in group)))


def _application_block(rows: list[LogbookRow], styles: Mapping[str, ParagraphStyle],
                       corrections: Mapping[int, Mapping[str, str]]) -> list[Flowable]:
    first = rows[0]
    kind = APPLICATION_TYPES.get(first.application_type or "")
    data = [["Date", "Démarche", "Code", "Vérification", "Réf."]]
    data += [[_fr(r.date), _kind_cell(r, corrections.get(r.id, {})), r.demarche or "", _badge(r.verification),
              str(r.id)] for r in sorted(rows, key=lambda r: (r.date or date.max, r.id))]
    table = Table(data, hAlign="LEFT", colWidths=[24 * mm, 62 * mm, 14 * mm, 44 * mm, 14 * mm])
    table.setStyle(_grid_style(header_rows=1))
    heading = _title(first, corrections.get(first.id, {})) + (f" <font size=9>({escape(kind)})</font>" if kind else "")
    return [Paragraph(heading, styles["Heading4"]), table, Spacer(1, 2 * mm)]


def _title(row: LogbookRow, corrected: Mapping[str, str]) -> str:
    """Company and position; when the seeker corrected them, theirs, then what Carnet found."""
    def named(company: str | None, position: str | None) -> str:
        return f"{company or 'Entreprise inconnue'} — {position or 'poste non précisé'}"

    found = named(row.company, row.position)
    if not ({"company", "position"} & set(corrected)):
        return escape(found)
    mine = named(corrected.get("company", row.company), corrected.get("position", row.position))
    return f"{escape(mine)} <font size=8>{escape(CORRECTED_MARK)} ; trouvé par Carnet : {escape(found)}</font>"


def _kind_cell(row: LogbookRow, corrected: Mapping[str, str]) -> Paragraph | str:
    label = KIND_LABELS.get(row.kind, row.kind)
    if "kind" not in corrected:
        return label
    mine = KIND_LABELS.get(corrected["kind"], corrected["kind"])
    return Paragraph(f"{escape(mine)}<br/><font size=7>{escape(CORRECTED_MARK)} ; Carnet : {escape(label)}</font>",
                     ParagraphStyle("kind", fontSize=8.5, leading=10))


def _declared_block(declared: Sequence[Declaration], styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """Applications the seeker declared with no mail: listed apart, marked without proof."""
    if not declared:
        return []
    data = [["Date", "Entreprise", "Poste", "Où", "Preuve"]]
    data += [[_fr(item.date), _cell(item.company), _cell(item.position or "—"), _cell(item.channel or "—"),
              DECLARED_MARK] for item in declared]
    table = Table(data, hAlign="LEFT", colWidths=[22 * mm, 46 * mm, 46 * mm, 32 * mm, 32 * mm])
    table.setStyle(_grid_style(header_rows=1))
    intro = ("Candidatures déclarées par le demandeur, sans message pour les prouver (faites en personne ou sur "
             "un site qui n'envoie pas de mail).")
    return [Paragraph("Candidatures déclarées, sans preuve", styles["Heading2"]),
            Paragraph(escape(intro), styles["Normal"]), Spacer(1, 2 * mm), table]


def _cell(text: str) -> Paragraph:
    return Paragraph(escape(text), ParagraphStyle("cell", fontSize=8.5, leading=10))


def _badge(level: str) -> Paragraph:
    label, colour, _ = VERIFICATION_BADGES.get(level, VERIFICATION_BADGES["none"])
    style = ParagraphStyle("badge", fontName="Helvetica-Bold", fontSize=8, textColor=colors.white,
                           backColor=colour, borderPadding=1.5, leading=10)
    return Paragraph(escape(label), style)


def _chain_block(heads: Mapping[str, str], styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    lines = [f"{escape(seeker)} : <font face='Courier' size=7>{head}</font>" for seeker, head in sorted(heads.items())]
    text = ("Tête de chaîne du journal (empreinte SHA-256 de la dernière entrée), à comparer avec "
            "<font face='Courier'>carnet verify</font> : ")
    return [Spacer(1, 4 * mm), Paragraph("Intégrité", styles["Heading2"]),
            Paragraph(text + ("<br/>".join(lines) or "—"), styles["Normal"])]


def _grid_style(header_rows: int) -> list[tuple]:
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#a0aec0")),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#edf2f7")),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
