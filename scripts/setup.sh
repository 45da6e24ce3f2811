#!/usr/bin/env bash
# Idempotent setup: the Debian -dev packages the C++ core links against, and a Python >= 3.12
# virtual environment at .venv with the Python dependencies. Safe to run again; it only does what
# is missing. Fails with a message naming anything it could not install.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config git
  libzstd-dev zlib1g-dev libdeflate-dev libblosc-dev liblz4-dev libisal-dev
  nlohmann-json3-dev libgtest-dev libbenchmark-dev
)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

missing_apt() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_apt() {
  local missing
  mapfile -t missing < <(missing_apt)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    true
  mapfile -t missing < <(missing_apt)
  [ ${#missing[@]} -eq 0 ] || die "could not install Debian packages: ${missing[*]}"
}

# zarr-python >= 3.2 needs Python >= 3.12; the system python3 may be older.
find_python() {
  local candidate
  for candidate in python3.12 python3.13; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3 \
                   /usr/bin/python3.12 /usr/bin/python3.13 /usr/local/bin/python3.1[23]; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

setup_venv() {
  local python stamp=.venv/.requirements-stamp
  if [ -x .venv/bin/python ] && ! .venv/bin/python -c \
      'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    say "recreating .venv: it is not Python >= 3.12"; rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python) || die "no Python >= 3.12 found (looked for python3.12/python3.13 on \
PATH and in pyenv's versions folder); install one and run again"
    say "creating .venv with $python"
    "$python" -m venv .venv || die "could not create .venv with $python"
  fi
  if [ ! -f "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
    say "installing Python dependencies (requirements-dev.txt)"
    .venv/bin/python -m pip install -q --upgrade pip ||
      die "could not upgrade pip in .venv"
    .venv/bin/python -m pip install -q -r requirements-dev.txt ||
      die "could not install the packages in requirements-dev.txt"
    touch "$stamp"
  fi
}

install_apt
setup_venv
.venv/bin/python scripts/fetch_upstream_tests.py ||
  die "could not fetch zarr-python's test suite from its sdist on PyPI"
say "ready (.venv: $(.venv/bin/python --version))"
