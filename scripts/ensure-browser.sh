#!/usr/bin/env bash
# Make sure the browser tests and PDF exports can run: Debian's Chromium at /usr/bin/chromium, a CJK font
# for screenshots, and Pango for WeasyPrint
# (without one, Chinese renders as boxes in screenshots). Idempotent and quiet: does nothing when
# both are present; installs them with apt-get only when running as root. Without root it warns
# (and fails under CI=true, so that a CI run never skips the browser tests silently).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
   && ! { command -v fc-list >/dev/null && fc-list :lang=zh-cn family | grep -q .; }; then
  missing+=(fonts-noto-cjk)
fi
# Pango and HarfBuzz: WeasyPrint renders the PDF exports with them (the CJK font ships with the app).
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "ok installed" || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-browser: installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "ensure-browser: missing ${missing[*]} and not root: the browser tests will fail." >&2
echo "ensure-browser: run as root: apt-get install -y chromium fonts-noto-cjk" >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
exit 0
