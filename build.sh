#!/usr/bin/env bash
# ./build.sh [Target] [--parameter=value ...]   e.g.  ./build.sh Push --storage-url=https://acct.blob.core.windows.net
set -eo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Plain text when not on a terminal (CI logs, pipes): Cake honours NO_COLOR.
if [[ ! -t 1 ]]; then export NO_COLOR=1; fi

# NUKE habit: the first bare argument is the target; everything else passes through as parameters.
TARGET=""
ARGS=()
for arg in "$@"; do
  if [[ -z "$TARGET" && "$arg" != -* ]]; then TARGET="$arg"; else ARGS+=("$arg"); fi
done

TEMP="$ROOT/.nuke/temp"
MODULE="$TEMP/module"
mkdir -p "$TEMP"

if [[ ! -f "$TEMP/tools.stamp" || ".config/dotnet-tools.json" -nt "$TEMP/tools.stamp" ]]; then
  dotnet tool restore >/dev/null
  touch "$TEMP/tools.stamp"
fi

# Publish the module for the Cake script only when its sources changed since the last publish.
if [[ ! -f "$MODULE/.stamp" ]] || [[ -n "$(find src Directory.Build.props Directory.Packages.props -newer "$MODULE/.stamp" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]]; then
  echo "Publishing the ReleaseTargets module to .nuke/temp/module ..."
  dotnet publish src/ReleaseTargets.Cake/ReleaseTargets.Cake.csproj -c Release -o "$MODULE" --nologo -v quiet -p:GenerateDocumentationFile=false
  touch "$MODULE/.stamp"
fi

exec dotnet cake build/build.cake ${TARGET:+"--target=$TARGET"} "${ARGS[@]}"
