#!/usr/bin/env bash
# The single entry point for a fresh machine.
#   ./dev.sh run    set everything up, then open vigtool on a sample clip
#   ./dev.sh test   set everything up, then run ruff, mypy, the import contracts and every test
# Setting up means: system libraries (libvlc, Qt's X11 libraries, Xvfb) via
# apt-get when they are missing and we may install them, and a .venv with vigtool
# and its Python dependencies (re-installed only when pyproject.toml changes).
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(
  libvlc5 vlc-plugin-base vlc-plugin-video-output
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1
  libfontconfig1 libdbus-1-3 fonts-dejavu-core
  xvfb xauth xdotool imagemagick poppler-utils openbox
  chromium  # the family's copy is tested in a real headless browser
  espeak-ng  # the parents' voices in the suggestion harness's recordings (sample_clips/voices.py)
  ffmpeg  # the baseline the suggestion benchmark measures against (benchmarks/bench_suggest.py)
)
PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_system_packages() {
  command -v dpkg-query >/dev/null || return 0
  local pkg
  for pkg in "${SYSTEM_PACKAGES[@]}" python3-venv; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

setup_system() {
  local missing
  missing=$(missing_system_packages | tr '\n' ' ')
  [[ -z ${missing// /} ]] && return 0
  if ! command -v apt-get >/dev/null; then
    say "Not a Debian/Ubuntu system: install VLC 3 (videolan.org) and make sure Qt 6 can start."
    return 0
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      say "Missing system packages: $missing"
      say "Install them with: sudo apt-get install -y $missing"
      return 0
    fi
  fi
  say "Installing system packages: $missing"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

setup_python() {
  local stamp=$VENV/.vigtool-installed want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [[ ! -x $VENV/bin/python ]]; then
    say "Creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    say "Installing vigtool and its Python dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
    echo "$want" > "$stamp"
  fi
}

run_tests() {
  local bin=$VENV/bin
  say "ruff"
  "$bin/ruff" check .
  say "mypy"
  "$bin/mypy"
  say "import contracts"
  "$bin/lint-imports" --no-cache
  say "pytest"
  "$bin/python" -m pytest "$@"
}

case ${1:-} in
  run)
    setup_system
    setup_python
    shift
    exec "$VENV/bin/vigtool" demo "$@"
    ;;
  test)
    setup_system
    setup_python
    shift
    run_tests "$@"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
