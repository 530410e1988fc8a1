#!/usr/bin/env bash
# Installs the Debian packages aftersales needs, only when one is missing.
# Why each: CJK fonts for the PDF (fonts-arphic-ukai: the 楷体 face, and the stand-in for 仿宋,
# of a letter's `format:`); libharfbuzz-subset0 so WeasyPrint subsets fonts in
# milliseconds instead of seconds; poppler-utils and LibreOffice Writer to read the output back
# in tests; pango for WeasyPrint itself; DejaVu for the Latin faces of English letters;
# Chromium for the workspace's browser tests (Playwright drives it; it never downloads one).
set -euo pipefail
pkgs=(fonts-noto-cjk fonts-arphic-ukai fonts-dejavu-core libharfbuzz-subset0 poppler-utils
      libreoffice-writer-nogui libpango-1.0-0 libpangoft2-1.0-0 fontconfig chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "setup: missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
