#!/usr/bin/env bash
# Installs the Debian packages ttptag needs, if any are missing.
# Sourced by demo.sh and test.sh. Uses apt-get as root, or through sudo.
ttptag_packages=(build-essential cmake pkg-config libre2-dev libutf8proc-dev nlohmann-json3-dev
  libcli11-dev libgtest-dev libgmock-dev python3 libcpp-httplib-dev
  libtbb-dev libgumbo-dev libpoppler-cpp-dev libmimalloc-dev)
# What only the tests need (test.sh installs them too): Dask for tests/cli/dask_example.sh.
ttptag_test_packages=(python3-distributed)
# test.sh's sanitizer step needs nothing more: g++ brings gcc's ASan and UBSan
# runtimes, which print file:line themselves.
# Its fuzz step: clang with libFuzzer and its sanitizer runtimes (libclang-rt-dev
# follows Debian's default clang version), llvm-symbolizer (package llvm) so
# clang's reports give file:line.
ttptag_fuzz_packages=(clang libclang-rt-dev llvm)

ttptag_install_deps() {
  local missing=()
  for p in "${ttptag_packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ttptag: installing missing packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "ttptag: need root or sudo to install: ${missing[*]}" >&2; return 1
    fi
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The browser test (tests/cli/review_e2e.sh): Debian's chromium, node and npm
# (a node that ships its own npm needs no npm package), then playwright-core
# as pinned in tests/e2e/package-lock.json.
ttptag_install_e2e_deps() {
  local extra=(chromium)
  command -v node >/dev/null || extra+=(nodejs)
  command -v npm >/dev/null || extra+=(npm)
  ttptag_install_deps "${extra[@]}" || return 1
  local e2e="$ttptag_root/tests/e2e"
  if [ ! -f "$e2e/node_modules/.package-lock.json" ] ||
     [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ttptag_build() {
  local dir=$1; shift
  cmake -S "$ttptag_root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

ttptag_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
