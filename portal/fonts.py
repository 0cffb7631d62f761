"""The one TrueType font of every PDF MotCua makes: the printed forms and receipts (dossiers.printing), the
signature stamp (dossiers.signing) and the monthly report (reports). Vietnamese letters need a font that
has them; the PDF base fonts (Helvetica, Courier) have Latin-1 only.

`PDF_FONT` (settings, env) names it; otherwise the first of the usual DejaVu Sans paths that exists.
"""

from pathlib import Path

from django.conf import settings

CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"))


def pdf_font_path():
    """The font's path, or None if none is installed (the PDFs then fall back to the base fonts)."""
    configured = [Path(settings.PDF_FONT)] if settings.PDF_FONT else []
    return next((str(p) for p in (*configured, *CANDIDATES) if p.is_file()), None)
