#!/usr/bin/env bash
# Rebuild static/govuk/ : GOV.UK Frontend compiled WITHOUT GOV.UK branding.
#
# This is a council service, not on GOV.UK, so the build:
#   - sets $govuk-font-family to (arial, sans-serif): no GDS Transport, no
#     @font-face, no font files;
#   - ships none of govuk-frontend's images: every one of them (crest,
#     favicons, app icons, opengraph image) carries the crown/GOV.UK branding.
#     The only image the Sass references is govuk-crest.svg (footer copyright
#     logo); it is resolved to `none` and its ::before box is switched off, so
#     the compiled CSS contains no url() at all. Any other image or font that a
#     future govuk-frontend references makes this build fail, so nothing
#     dangling can reach ManifestStaticFilesStorage/WhiteNoise;
#   - strips sourceMappingURL comments (no .map files are shipped).
#
# Everything happens in a temporary directory; only static/govuk/ in the repo
# is replaced. Needs node + npm and access to the npm registry.
#
# Usage: tools/build_govuk.sh
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo_root/static/govuk"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "build_govuk: $tool is required" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/build-govuk.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

# --- install pinned versions ------------------------------------------------
cat > package.json <<'EOF'
{ "name": "build-govuk", "version": "0.0.0", "private": true }
EOF
npm install --save-exact --ignore-scripts --omit=optional --no-audit --no-fund \
  --loglevel=error \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}"

installed() { node -p "require('./node_modules/$1/package.json').version"; }
[[ "$(installed govuk-frontend)" == "$GOVUK_FRONTEND_VERSION" ]] || { echo "build_govuk: wrong govuk-frontend installed" >&2; exit 1; }
[[ "$(installed sass)" == "$SASS_VERSION" ]] || { echo "build_govuk: wrong sass installed" >&2; exit 1; }

# --- Sass entry point ---------------------------------------------------------
# Setting names are those of govuk-frontend 6 (dist/govuk/settings/):
#   _typography-font.scss: $govuk-font-family, $govuk-include-default-font-face
#   _assets.scss:          $govuk-assets-path, $govuk-image-url-function,
#                          $govuk-font-url-function
# (v6 has no "new link styles" setting: they are always on.)
mkdir -p src build
cat > src/_url-handlers.scss <<'EOF'
// The only image govuk-frontend's CSS references is the Royal Coat of Arms
// crest (govuk-crest.svg, footer copyright logo): GOV.UK branding, not
// shipped, so it resolves to `none`. Anything else fails the build.
@function image-url($filename) {
  @if $filename == "govuk-crest.svg" {
    @return none;
  }
  @error "govuk-frontend references an unexpected image '#{$filename}': decide whether to ship it (tools/build_govuk.sh).";
}

@function font-url($filename) {
  @error "govuk-frontend references a font file '#{$filename}', but no fonts are shipped (tools/build_govuk.sh).";
}
EOF
cat > src/govuk-frontend.scss <<'EOF'
@use "sass:meta";
@use "url-handlers";
@use "govuk-frontend/dist/govuk" as govuk with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "assets/",
  $govuk-image-url-function: meta.get-function("image-url", $module: "url-handlers"),
  $govuk-font-url-function: meta.get-function("font-url", $module: "url-handlers")
);

// No crest is shipped: render the footer copyright link as plain text instead
// of the (now empty) 125x102 crest box above it.
.govuk-footer__copyright-logo::before {
  content: none;
}
EOF

# --- compile ------------------------------------------------------------------
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
  src/govuk-frontend.scss build/govuk-frontend.min.css

# The ES module build; drop its sourceMappingURL (the .map is not shipped).
sed -E 's#//[#@] sourceMappingURL=[^[:space:]]*##' \
  node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js > build/govuk-frontend.min.js

cat > build/VERSION <<EOF
govuk-frontend ${GOVUK_FRONTEND_VERSION}
sass ${SASS_VERSION}
Built by tools/build_govuk.sh: no GOV.UK branding (font: arial, sans-serif; no fonts, no images).
govuk-frontend is MIT licensed, Copyright (C) 2017 Crown Copyright (Government Digital Service).
EOF

# --- checks -------------------------------------------------------------------
css=build/govuk-frontend.min.css
js=build/govuk-frontend.min.js
fail() { echo "build_govuk: check failed: $*" >&2; exit 1; }

for f in "$css" "$js"; do
  ! grep -qi 'GDS Transport' "$f" || fail "GDS Transport in $f"
  ! grep -q 'sourceMappingURL' "$f" || fail "sourceMappingURL in $f"
done
! grep -q '@font-face' "$css" || fail "@font-face in CSS"
! grep -q '@import' "$css" || fail "@import in CSS"
# The only http(s):// text allowed in the CSS is the print stylesheet's
# attribute selectors [href^="http://"] / [href^="https://"], not loads.
all_urls=$(grep -oE 'https?://' "$css" | wc -l)
selector_urls=$(grep -oE '\[href\^="https?://"\]' "$css" | wc -l)
[[ "$all_urls" == "$selector_urls" ]] || fail "external URL in CSS"
# Every url() must point at a file shipped next to the CSS (there are none today).
while IFS= read -r ref; do
  [[ -z "$ref" ]] && continue
  path=$(sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' <<<"$ref")
  case "$path" in data:*) continue ;; esac
  [[ "$path" != /* && "$path" != *://* ]] || fail "non-relative $ref"
  [[ -f "build/${path%%[?#]*}" ]] || fail "$ref has no file"
done < <(grep -oE 'url\([^)]*\)' "$css" || true)
grep -q 'export{' "$js" || fail "JS is not the ES module build"
grep -q "version=\"${GOVUK_FRONTEND_VERSION}\"" "$js" || fail "JS version mismatch"
grep -q -- "--govuk-frontend-version: \"${GOVUK_FRONTEND_VERSION}\"" "$css" || fail "CSS version mismatch"

size=$(du -cb build/* | tail -1 | cut -f1)
(( size < 512 * 1024 )) || fail "output is $size bytes"

# --- install into the repo -----------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
cp build/govuk-frontend.min.css build/govuk-frontend.min.js build/VERSION "$out/"

echo "build_govuk: wrote $out ($size bytes):"
ls -l "$out"
