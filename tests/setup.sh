#!/usr/bin/env bash
# Installs what the test suite needs and is missing, then nothing else:
#   - Debian packages: Dovecot (the suite's IMAP server), pdftotext, the Public
#     Suffix List, Debian's Chromium and its driver (the browser tests), npm;
#   - the project and its test tools (pip install -e '.[dev]');
#   - axe-core (the accessibility checker the browser tests inject) from the npm
#     registry into .test-deps/, where the tests read it.
# No browser is ever downloaded: the tests drive /usr/bin/chromium.
# Run it from anywhere: `bash tests/setup.sh && python -m pytest -q`.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION="4.14.1"
DEPS_DIR=".test-deps"

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

# -- Debian packages ------------------------------------------------------------------
missing_packages() {
  [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || echo dovecot-imapd
  command -v pdftotext >/dev/null 2>&1 || echo poppler-utils
  [ -f /usr/share/publicsuffix/public_suffix_list.dat ] || echo publicsuffix
  [ -x /usr/bin/chromium ] || echo chromium
  [ -x /usr/bin/chromedriver ] || echo chromium-driver
  command -v npm >/dev/null 2>&1 || echo npm
}

install_packages() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages: $*; run as root or install them"
    sudo=(sudo)
  fi
  say "installing $*"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

mapfile -t packages < <(missing_packages)
if [ "${#packages[@]}" -gt 0 ]; then
  install_packages "${packages[@]}"
fi

# -- the project ------------------------------------------------------------------------
python -m pip install -q -e '.[dev]'

# -- axe-core from the npm registry ------------------------------------------------------
axe="$DEPS_DIR/node_modules/axe-core"
installed_axe() { [ -f "$axe/axe.min.js" ] && [ -f "$axe/package.json" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$axe/package.json"; }
if ! installed_axe; then
  say "installing axe-core $AXE_VERSION into $DEPS_DIR"
  mkdir -p "$DEPS_DIR"
  npm install --silent --no-audit --no-fund --no-save --prefix "$DEPS_DIR" "axe-core@$AXE_VERSION"
fi
installed_axe || die "axe-core $AXE_VERSION is not in $axe"

# -- what is checked, not installed -------------------------------------------------------
pg_answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
pg_answers || say "warning: nothing answers on 127.0.0.1:5432; the suite needs PostgreSQL there (user postgres, database test, trust)"
say "ready"
