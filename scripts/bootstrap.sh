#!/usr/bin/env bash
# Create .venv and install pinned requirements, once per change of the requirement files.
# Usage: scripts/bootstrap.sh runtime|dev
# After the first install nothing here touches the network, so `make run` works offline.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-runtime}
case "$kind" in
  runtime) req=requirements.txt ;;
  dev) req=requirements-dev.txt ;;
  *) echo "usage: $0 runtime|dev" >&2; exit 2 ;;
esac

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment (.venv) with $python"
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian ships venv's ensurepip separately.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      rm -rf .venv && "$python" -m venv .venv
    else
      echo "error: '$python -m venv' failed; install python3-venv (apt-get install python3-venv)." >&2
      exit 1
    fi
  fi
fi

# PyICU (sorting in each language's order, rogatory/lib/collation.py) is built from source
# against Debian's ICU: it needs libicu-dev, pkg-config and a C++ compiler.
if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v g++ >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian's libicu-dev, pkg-config and g++ for PyICU"
    { apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; } || {
      echo "error: apt-get could not install libicu-dev, pkg-config and g++ (needed by PyICU)." >&2
      exit 1; }
  else
    echo "error: PyICU needs Debian's libicu-dev, pkg-config and g++:" \
      "apt-get install libicu-dev pkg-config g++" >&2
    exit 1
  fi
fi

stamp=".venv/.installed-$kind"
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "==> Installing $req"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$wanted" > "$stamp"
fi

# The PDF of a drafted request embeds Debian fonts (rogatory/lib/fonts.py): Noto
# Sans and Noto Naskh Arabic (fonts-noto-core), Droid Sans Fallback for Chinese
# (fonts-droid-fallback). Install them when missing and we may; otherwise stop here rather
# than fail at the first PDF.
# (ROGATORY_FONT_DIRS points the renderer at other folders and skips this check.)
if [ -z "${ROGATORY_FONT_DIRS:-}" ]; then
  fonts_missing=()
  for font in truetype/noto/NotoSans-Regular.ttf truetype/noto/NotoNaskhArabic-Regular.ttf; do
    [ -f "/usr/share/fonts/$font" ] || { fonts_missing=(fonts-noto-core); break; }
  done
  [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] ||
    fonts_missing+=(fonts-droid-fallback)
  if [ ${#fonts_missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "==> Installing Debian's ${fonts_missing[*]} for the PDF of drafted requests"
      { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${fonts_missing[@]}" >/dev/null; } || {
        echo "error: apt-get could not install ${fonts_missing[*]} (needed for PDF requests)." >&2
        exit 1; }
    else
      echo "error: the fonts for PDF requests are missing: install ${fonts_missing[*]}" \
        "(apt-get install ${fonts_missing[*]}), or set ROGATORY_FONT_DIRS to folders holding" \
        "NotoSans-*.ttf, NotoNaskhArabic-*.ttf and DroidSansFallbackFull.ttf." >&2
      exit 1
    fi
  fi
fi

# Compiled message catalogues are built here, never committed.
.venv/bin/python manage.py compile_translations
