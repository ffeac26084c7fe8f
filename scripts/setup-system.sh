#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Callscope needs to build and test. Idempotent: does nothing
# when everything is already installed.
set -euo pipefail

packages=(
  build-essential pkg-config cmake clang libclang-dev libssl-dev libasound2-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev
  python3 python3-pip python3-venv espeak-ng sox libsox-fmt-all ffmpeg
  xvfb webkit2gtk-driver dbus pulseaudio pulseaudio-utils gnome-keyring keyutils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # A mirror hiccup ("cannot access archive") goes away when the install is simply run again.
  apt-get install -y -q --no-install-recommends "${missing[@]}" || apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Real non-speech recordings (guitar plucks) for the transcription tests: CPython's test suite,
# packaged for the version of the python3 installed above.
testsuite="libpython$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-testsuite"
if ! dpkg-query -W -f='${Status}' "$testsuite" 2>/dev/null | grep -q "install ok installed"; then
  echo "setup: installing $testsuite"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "$testsuite" || { apt-get update -q && apt-get install -y -q --no-install-recommends "$testsuite"; }
fi

command -v cargo >/dev/null || { echo "setup: Rust is missing; install it (rustup, 1.89 or newer) and run again" >&2; exit 1; }
command -v pip >/dev/null || command -v pip3 >/dev/null || { echo "setup: pip is missing" >&2; exit 1; }
