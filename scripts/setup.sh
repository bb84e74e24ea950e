#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of this kind and builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null; then
  echo "the .NET 10 SDK is required (https://dot.net)" >&2
  exit 1
fi
dotnet restore Serving.sln
dotnet build Serving.sln -c Release --no-restore
