#!/usr/bin/env bash
# PNGs of the printed national forms for docs/forms/: the forms test writes each form's HTML (as the PDF
# renders it), then Debian's Chromium screenshots it at A4 width; the signing test keeps a signed result,
# whose first page poppler's pdftoppm rasterises (the stamp). Usage: scripts/render_forms.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
MOTCUA_FORMS_DIR="$tmp" bin/with-services .venv/bin/python -m pytest -p no:cacheprovider -q tests/dossiers/test_forms_print.py \
  tests/dossiers/test_signing.py::test_a_signed_result_carries_its_stamp_on_a_real_page
mkdir -p docs/forms
for html in "$tmp"/*.html; do
  name=$(basename "$html" .html)
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=794,1123 \
    --screenshot="docs/forms/$name.png" "file://$html" >/dev/null 2>&1
done
# The signed result (a PDF): its first page as the README's picture of the stamp.
for pdf in "$tmp"/*.pdf; do
  name=docs/forms/$(basename "$pdf" .pdf)
  pdftoppm -png -r 90 -f 1 -l 1 -singlefile "$pdf" "$name"
  # The stamp alone, at 200 dpi: dossiers.signing.STAMP_BOX (36, 24, 336, 112) pt on A4, 10 px margin.
  pdftoppm -png -r 200 -f 1 -l 1 -x 90 -y 2018 -W 853 -H 264 -singlefile "$pdf" "$name-dau"
done
ls docs/forms
