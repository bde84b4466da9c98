#!/usr/bin/env bash
# Install what weekly needs on a fresh Debian machine: system libraries (when missing) and a
# virtual environment in .venv with the project in it.
#
#   bash scripts/setup.sh            everything the tests and the docs need (make test, CI):
#                                    the test and docs extras, Chromium, Node/npm and axe-core
#   bash scripts/setup.sh --runtime  only what rendering needs (make demo): WeasyPrint's
#                                    libraries, the house fonts and the runtime dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=full
case "${1:-}" in
  "") ;;
  --runtime) MODE=runtime ;;
  *) echo "usage: bash scripts/setup.sh [--runtime]" >&2; exit 2 ;;
esac

PACKAGES=(
  python3-venv                                                         # the .venv itself
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint
  fonts-sil-charis fonts-open-sans fonts-dejavu-core                   # the house fonts
)
if [ "$MODE" = full ]; then
  PACKAGES+=(
    poppler-utils                                                      # pdftotext/pdfinfo in tests
    chromium                                                           # browser tests
  )
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node and npm fetch axe-core for the accessibility tests; a Node install that bundles npm
# (not a Debian package) is fine too, so look for the commands.
[ "$MODE" = runtime ] || command -v npm >/dev/null || missing+=(nodejs npm)
# The W3C Nu checker (npm vnu-jar) runs on Java; any Java 11+ on the PATH will do.
[ "$MODE" = runtime ] || command -v java >/dev/null || missing+=(default-jre-headless)
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
if [ "$MODE" = runtime ]; then
  # The runtime only: a .venv that already holds the extras (after make test) keeps them.
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import weekly, weasyprint" >/dev/null
  echo "setup: ready to render (.venv; make test adds the test and docs tools)"
  exit 0
fi
# The test extra includes the docs extra (tests/test_docs.py builds the site with MkDocs).
.venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import weekly, weasyprint, mkdocs, playwright" >/dev/null
# axe-core and vnu-jar (package.json devDependencies, pinned by package-lock.json) into node_modules/,
# again only when the lock file changed since the last install.
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
test -f node_modules/axe-core/axe.min.js
test -f node_modules/vnu-jar/build/dist/vnu.jar
echo "setup: ready (.venv)"
