#!/usr/bin/env bash
# The fault zoo: every architecture of examples/FaultZoo trained healthy, converged, and with each fault planted;
# scores TrainWatch's live alerts and `trainwatch diff` (against each model's healthy twin) and regenerates
# docs/diagnosis.md. Usage: scripts/diagnosis-zoo.sh [extra FaultZoo options, e.g. --models gru,unet --steps 400]
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/TrainWatch.Cli -c Release -v quiet -nologo >/dev/null
dotnet build examples/FaultZoo -c Release -v quiet -nologo >/dev/null

out="$(mktemp -d)/zoo"
trap 'rm -rf "$(dirname "$out")"' EXIT
dotnet examples/FaultZoo/bin/Release/net10.0/FaultZoo.dll \
  --out "$out" \
  --cli src/TrainWatch.Cli/bin/Release/net10.0/TrainWatch.Cli.dll \
  --report docs/diagnosis.md "$@"
