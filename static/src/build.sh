#!/usr/bin/env bash
# Rebuilds the committed GOV.UK Frontend files in static/govuk/. Needs npm; the app never does.
# Usage: static/src/build.sh   (run from the repository root)
set -euo pipefail
version=5.14.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${GOVUK_NODE_MODULES:-}" ]; then ln -s "$GOVUK_NODE_MODULES" "$work/node_modules"; else (cd "$work" && npm init -y >/dev/null && npm install --silent "govuk-frontend@$version" sass); fi
gf="$work/node_modules/govuk-frontend/dist"
"$work/node_modules/.bin/sass" --quiet --style=compressed --no-source-map \
  --load-path="$gf" static/src/govuk.scss static/govuk/govuk-frontend.min.css
# The footer's copyright crest is for gov.uk only and no image is shipped: drop its url() so that
# `collectstatic` (WhiteNoise's manifest storage checks every url() it rewrites) finds nothing missing.
sed -i 's#url("/static/govuk/assets/images/govuk-crest.svg")#none#g' static/govuk/govuk-frontend.min.css
cp "$gf/govuk/govuk-frontend.min.js" static/govuk/govuk-frontend.min.js
# No images or fonts are copied: the crown, crest and GDS Transport are for gov.uk only.
rm -rf static/govuk/assets
echo "govuk-frontend $version" > static/govuk/VERSION
