#!/usr/bin/env bash
# Publishes tools/GpuRunner as one self-contained, compressed linux-x64 file that runs on a machine
# with no .NET installed (a lent GPU machine), and checks that it stays under the 64 MiB that such a
# machine accepts. Usage: tools/gpu-runner/publish.sh [OUTPUT_DIR]   (default: artifacts/gpu-runner)
#
# Choices: a single file with compression (the plain self-contained folder is ~95 MB); no trimming,
# since NUnit finds the tests, and the runner finds the examples, by reflection; invariant
# globalization, so no ICU is needed on the target.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/artifacts/gpu-runner}"
limit=$((64 * 1024 * 1024))

rm -rf "$out"
dotnet publish "$root/tools/GpuRunner/GpuRunner.csproj" -c Release -r linux-x64 --self-contained \
    -p:GpuRunnerSingleFile=true -p:InvariantGlobalization=true -o "$out"

# The referenced executables (examples, deepnet, the test assembly) leave their apphosts, deps.json,
# runtimeconfig.json and symbols beside the bundle; their code is inside GpuRunner.
find "$out" -mindepth 1 ! -name GpuRunner -delete

# The examples' MNIST files travel with the runner (it looks for mnist/ beside itself first).
mnist="$root/../shared/datasets/mnist"
if [[ -d "$mnist" ]]; then
    mkdir -p "$out/mnist"
    cp "$mnist"/*-ubyte* "$out/mnist/"
else
    echo "note: $mnist not found; pass --data DIR to the examples on the GPU machine" >&2
fi

size=$(du -sb "$out" | cut -f1)
echo "GpuRunner: $out, $size bytes ($((size / 1024 / 1024)) MiB; limit 64 MiB): $(ls "$out" | tr '\n' ' ')"
if (( size >= limit )); then
    echo "error: the published runner folder is over 64 MiB" >&2
    exit 1
fi
