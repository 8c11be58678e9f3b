"""Which bytes an export request gets: the approved PDF as stored, an
unchanged document from the export cache, or a fresh rendering."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.exports import builder, html, json, markdown, pdf
from postmortem.domain.exports.document import Document
from postmortem.extensions import db
from postmortem.models import ExportCache, Incident, Postmortem


@dataclass(frozen=True)
class Format:
    name: str
    mimetype: str
    extension: str


def _code_digest() -> str:
    """A digest of what renders exports (this package and the print
    templates and styles): a deploy that changes how an export looks must not
    serve renderings cached by the old code."""
    here = Path(__file__).resolve().parent
    files = sorted([*here.glob("*.py"),
                    *(here.parents[2] / "templates" / "pdf").glob("*")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


RENDERER_CODE = _code_digest()

FORMATS = {
    "pdf": Format("pdf", "application/pdf", "pdf"),
    "md": Format("md", "text/markdown; charset=utf-8", "md"),
    "html": Format("html", "text/html; charset=utf-8", "html"),
    "json": Format("json", "application/json", "json"),
}


def check_format(fmt: str, variant: str | None = None) -> str:
    if fmt not in FORMATS:
        raise ValidationError({"format": "must be one of: " + ", ".join(FORMATS)})
    variant = variant or pdf.DEFAULT_VARIANT
    if variant not in pdf.VARIANTS:
        raise ValidationError({"variant": "must be one of: " + ", ".join(pdf.VARIANTS)})
    return variant


def postmortem_of(incident: Incident) -> Postmortem:
    pm = db.session.scalar(sa.select(Postmortem).where(
        Postmortem.incident_id == incident.id))
    if pm is None:
        raise NotFound("This incident has no post-mortem yet")
    return pm


def render(document: Document, fmt: str, variant: str = pdf.DEFAULT_VARIANT) -> bytes:
    if fmt == "pdf":
        return pdf.export(document, variant)
    return {"md": markdown.export, "html": html.export,
            "json": json.export}[fmt](document)


def _cache_key(fmt: str, variant: str) -> str:
    return f"pdf-{variant.replace('pdf/', '')}" if fmt == "pdf" else fmt


def export(pm: Postmortem, fmt: str, variant: str | None = None) -> bytes:
    """The post-mortem in `fmt`. An approved document's PDF is the one stored
    on approval; anything else comes from the cache while the document's
    fingerprint is unchanged. The caller commits (the cache row)."""
    variant = check_format(fmt, variant)
    if fmt == "pdf" and variant == pdf.DEFAULT_VARIANT and pm.is_frozen \
            and pm.approved_pdf:
        return pm.approved_pdf
    document = builder.build(pm)
    key = _cache_key(fmt, variant)
    fingerprint = hashlib.sha256(
        (document.fingerprint() + RENDERER_CODE).encode()).hexdigest()
    cached = db.session.scalar(sa.select(ExportCache).where(
        ExportCache.postmortem_id == pm.id, ExportCache.fmt == key))
    if cached is not None and cached.fingerprint == fingerprint:
        return cached.content
    content = render(document, fmt, variant)
    _remember(cached, pm, key, fingerprint, content)
    return content


def _remember(row: ExportCache | None, pm: Postmortem, key: str, fingerprint: str,
              content: bytes) -> None:
    try:
        with db.session.begin_nested():
            if row is None:
                row = ExportCache(incident_id=pm.incident_id, postmortem_id=pm.id,
                                  fmt=key)
                db.session.add(row)
            row.fingerprint, row.content = fingerprint, content
            row.postmortem_version = pm.version
            row.incident_version = pm.incident.version
    except IntegrityError:
        # Another worker cached the same export first; theirs is as good.
        pass


def freeze_pdf(pm: Postmortem) -> str:
    """Render and keep the approved PDF with its SHA-256; called once the
    document is approved and its blocks snapshotted."""
    content = pdf.export(builder.build(pm))
    pm.approved_pdf = content
    pm.pdf_sha256 = hashlib.sha256(content).hexdigest()
    return pm.pdf_sha256


def filename(incident: Incident, fmt: str) -> str:
    return f"postmortem-incident-{incident.id}.{FORMATS[fmt].extension}"
