#!/usr/bin/env bash
# Runs every test project (oracle models come from ../shared). Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test Serving.sln -c Release --logger "trx" --logger "console;verbosity=minimal" "$@"
