#!/usr/bin/env bash
# Rebuild the committed front-end assets under static/ from frontend/.
#   static/css/site.css              <- scss/site.scss (GOV.UK Frontend + app styles)
#   static/js/govuk-frontend.min.js  <- govuk-frontend/dist/govuk/govuk-frontend.min.js
# Usage: frontend/build.sh   (from anywhere; needs Node.js + npm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$(cd "${here}/../static" && pwd)"
govuk="${here}/node_modules/govuk-frontend/dist/govuk"

cd "${here}"

# --include=dev: the build tools are devDependencies; keep them even if
# NODE_ENV=production is set.
npm ci --include=dev --no-audit --no-fund
npm run build

# GOV.UK Frontend JS (ES module). Drop the sourceMappingURL comment: the .map
# is not shipped, and Django's ManifestStaticFilesStorage would fail on it.
mkdir -p "${static}/js"
sed -e 's|//# sourceMappingURL=[^ ]*$||' "${govuk}/govuk-frontend.min.js" \
  > "${static}/js/govuk-frontend.min.js"

# Image/font assets: only copy what the compiled CSS references. Today that is
# nothing (Arial, no crest), so static/govuk/assets/ is not needed. Fail if a
# url() appears that does not resolve to a file under static/.
status=0
while IFS= read -r ref; do
  path="${ref#url(}"; path="${path%)}"; path="${path//\"/}"; path="${path//\'/}"
  case "${path}" in
    data:*) continue ;;
    /static/*) file="${static}/${path#/static/}" ;;
    *) echo "build.sh: unexpected url() in site.css: ${ref}" >&2; status=1; continue ;;
  esac
  # Never ship GOV.UK brand assets (crest, icons, favicon, GDS Transport).
  if [[ "${path}" == /static/govuk/assets/* ]]; then
    case "${path##*/}" in
      govuk-* | favicon.* | *.woff | *.woff2)
        echo "build.sh: site.css references a GOV.UK brand asset: ${path}" >&2
        status=1
        continue
        ;;
    esac
  fi
  if [[ ! -f "${file}" ]]; then
    asset="${govuk}/assets/${path#/static/govuk/assets/}"
    if [[ "${path}" == /static/govuk/assets/* && -f "${asset}" ]]; then
      mkdir -p "$(dirname "${file}")"
      cp "${asset}" "${file}"
      echo "build.sh: copied ${path}"
    else
      echo "build.sh: site.css references missing file ${path}" >&2
      status=1
    fi
  fi
done < <(grep -o 'url([^)]*)' "${static}/css/site.css" | sort -u || true)

if grep -q 'GDS Transport' "${static}/css/site.css"; then
  echo "build.sh: site.css must not contain GDS Transport" >&2
  status=1
fi

if [[ ${status} -eq 0 ]]; then
  echo "build.sh: static/css/site.css $(wc -c < "${static}/css/site.css") bytes"
fi
exit "${status}"
