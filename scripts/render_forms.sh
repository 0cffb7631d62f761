#!/usr/bin/env bash
# PNGs of the printed national forms for docs/forms/: the forms test writes each form's HTML (as the PDF
# renders it), then Debian's Chromium screenshots it at A4 width. Usage: scripts/render_forms.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
MOTCUA_FORMS_DIR="$tmp" bin/with-services .venv/bin/python -m pytest -p no:cacheprovider -q tests/dossiers/test_forms_print.py
mkdir -p docs/forms
for html in "$tmp"/*.html; do
  name=$(basename "$html" .html)
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=794,1123 \
    --screenshot="docs/forms/$name.png" "file://$html" >/dev/null 2>&1
done
ls docs/forms
