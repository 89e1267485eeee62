#!/usr/bin/env bash
# What `./build.sh Test` needs beyond the .NET SDK, checked before anything is built: Node.js + npm (the local Azurite
# and AzCopy come from npm), Debian's docker-registry, apache2-utils (htpasswd) and skopeo (the registry tests run a real
# registry and check it with an independent client), libsecret (AzCopy, the benchmark smoke test's contender).
# Missing pieces are installed with apt-get when running as root on Debian; otherwise (or with
# RELEASETARGETS_NO_INSTALL=1) it stops with one line naming them and the command that installs them.
set -eo pipefail

missing=()   # what is missing, as a user would look for it
packages=()  # the Debian packages that provide it
need_command() { command -v "$1" >/dev/null 2>&1 || { missing+=("$1"); packages+=("$2"); }; }

need_command node nodejs
need_command npm npm
need_command docker-registry docker-registry
need_command htpasswd apache2-utils
need_command skopeo skopeo
libraries="$( (/sbin/ldconfig -p || ldconfig -p) 2>/dev/null || true)"
[[ "$libraries" == *libsecret-1.so.0* ]] || { missing+=("libsecret-1.so.0"); packages+=("libsecret-1-0"); }

if (( ${#missing[@]} == 0 )); then
  exit 0
fi

if [[ "${RELEASETARGETS_NO_INSTALL:-}" != 1 && "$EUID" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing what the tests need (missing: ${missing[*]}): apt-get install ${packages[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  exit 0
fi

echo "The tests need ${missing[*]}, not found on this machine; install them with: sudo apt-get install -y ${packages[*]}" >&2
exit 1
