#!/usr/bin/env bash
# Extract the messages from the source, merge them into the catalogs, compile.
#   tools/update_catalogs.sh          extract + update + compile
# Translate new entries in src/sobriety/locale/fr/LC_MESSAGES/sobriety.po, then run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(dirname "$(command -v python3)")"
[ -x .venv/bin/pybabel ] && bin=.venv/bin
pot=src/sobriety/locale/sobriety.pot
"$bin/pybabel" extract -F tools/babel.cfg -k _ -k N_ -k ngettext:1,2 -k count_of:1,2 -k pgettext:1c,2 --no-location \
  --sort-output --project sobriety --copyright-holder "sobriety contributors" -o "$pot" src/sobriety
for lang in fr; do
  po=src/sobriety/locale/$lang/LC_MESSAGES/sobriety.po
  if [ -f "$po" ]; then
    "$bin/pybabel" update -N -i "$pot" -d src/sobriety/locale -D sobriety -l "$lang"
  else
    "$bin/pybabel" init -i "$pot" -d src/sobriety/locale -D sobriety -l "$lang"
  fi
done
# Compile without fuzzy entries. Messages use {brace} placeholders only: the "python-format"
# flag Babel infers from a literal "% o" ("45 % of ...") is spurious, and its check would
# reject a correct "45 % du ..." translation, so it is dropped before compiling.
for lang in fr; do
  "$bin/python3" - "src/sobriety/locale/$lang/LC_MESSAGES/sobriety" <<'PY'
import sys
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

base = sys.argv[1]
with open(base + ".po", "rb") as fh:
    catalog = read_po(fh)
for message in catalog:
    message.flags.discard("python-format")
with open(base + ".mo", "wb") as fh:
    write_mo(fh, catalog, use_fuzzy=False)
print(f"compiled {base}.mo")
PY
done
