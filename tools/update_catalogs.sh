#!/usr/bin/env bash
# Extract the messages from the source, merge them into the catalogs, compile.
#   tools/update_catalogs.sh          extract + update + compile
# Translate new entries in src/sobriety/locale/fr/LC_MESSAGES/sobriety.po, then run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(dirname "$(command -v python3)")"
[ -x .venv/bin/pybabel ] && bin=.venv/bin
pot=src/sobriety/locale/sobriety.pot
"$bin/pybabel" extract -F tools/babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location \
  --sort-output --project sobriety --copyright-holder "sobriety contributors" -o "$pot" src/sobriety
for lang in fr; do
  po=src/sobriety/locale/$lang/LC_MESSAGES/sobriety.po
  if [ -f "$po" ]; then
    "$bin/pybabel" update -N --no-location -i "$pot" -d src/sobriety/locale -D sobriety -l "$lang"
  else
    "$bin/pybabel" init -i "$pot" -d src/sobriety/locale -D sobriety -l "$lang"
  fi
done
"$bin/pybabel" compile -d src/sobriety/locale -D sobriety --use-fuzzy 2>/dev/null || \
  "$bin/pybabel" compile -d src/sobriety/locale -D sobriety
