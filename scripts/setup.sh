#!/usr/bin/env bash
# Install what weekly needs on a fresh Debian machine: system libraries (when missing),
# a virtual environment in .venv, and the project with its test and docs extras.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint
  fonts-sil-charis fonts-open-sans fonts-dejavu-core                   # the house fonts
  poppler-utils                                                        # pdftotext/pdfinfo in tests
  chromium                                                             # browser tests
)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node and npm fetch axe-core for the accessibility tests; a Node install that bundles npm
# (not a Debian package) is fine too, so look for the commands.
command -v npm >/dev/null || missing+=(nodejs npm)
# The W3C Nu checker (npm vnu-jar) runs on Java; any Java 11+ on the PATH will do.
command -v java >/dev/null || missing+=(default-jre-headless)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e ".[test,docs]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import weekly, weasyprint" >/dev/null
# axe-core and vnu-jar (package.json devDependencies, pinned by package-lock.json) into node_modules/,
# again only when the lock file changed since the last install.
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
test -f node_modules/axe-core/axe.min.js
test -f node_modules/vnu-jar/build/dist/vnu.jar
echo "setup: ready (.venv)"
