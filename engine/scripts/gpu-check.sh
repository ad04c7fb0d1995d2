#!/usr/bin/env bash
# GPU check for Carousel: builds with -Pgpu (TF 2.18 GPU natives; the host needs an NVIDIA driver,
# CUDA 12 and cuDNN 9), reports whether TensorFlow-Java sees /device:GPU:0, then runs the scoring
# benchmark there. Bounded: about 3 minutes after the build. Run from anywhere:
#   engine/scripts/gpu-check.sh [extra `bench scoring` options, e.g. --items 100000 --seconds 3]
# Exit codes: 0 GPU seen and benchmark ran, 3 TensorFlow sees no GPU, other: build/run failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${GPU_CHECK_OUT:-target/gpu-check}"
mkdir -p "$out"

echo "== host" | tee "$out/report.txt"
{ uname -srm; nproc; } | tee -a "$out/report.txt"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee -a "$out/report.txt"
else
  echo "nvidia-smi: not found (no NVIDIA driver on this host)" | tee -a "$out/report.txt"
fi
# cuDNN 9 / CUDA 12 runtime libraries as the dynamic linker sees them.
(ldconfig -p 2>/dev/null | grep -E 'libcudnn\.so\.9|libcudart\.so\.12|libcublas\.so\.12' ||
  echo "ldconfig: no libcudnn.so.9 / libcudart.so.12 / libcublas.so.12 found") | tee -a "$out/report.txt"

echo "== build (mvn -Pgpu package, offline if the GPU natives are already in ~/.m2)" | tee -a "$out/report.txt"
mvn_offline=()
if [[ -f "$HOME/.m2/repository/org/tensorflow/tensorflow-core-native/1.1.0/tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar" ]]; then
  mvn_offline=(-o)
fi
# The launcher rebuilds with -Pgpu when CAROUSEL_GPU=1; force it by removing the CPU jar's marker.
rm -f cli/target/classpath.txt
mvn -B -q "${mvn_offline[@]}" -Pgpu -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
grep -o 'tensorflow-core-native-[^:]*gpu[^:]*\.jar' cli/target/classpath.txt | tee -a "$out/report.txt"

echo "== devices" | tee -a "$out/report.txt"
export TF_CPP_MIN_LOG_LEVEL=0
set +e
CAROUSEL_GPU=1 timeout 120 ./carousel bench devices 2>&1 | tee "$out/devices.txt" | grep -vE '^I0000|^WARNING' | tee -a "$out/report.txt"
seen=${PIPESTATUS[0]}
set -e
grep -E 'Created device|StreamExecutor|Could not load dynamic library|cuDNN|CUDA' "$out/devices.txt" | head -20 | tee -a "$out/report.txt" || true

echo "== scoring benchmark" | tee -a "$out/report.txt"
# Retrieval in ExactTopK runs on the JVM's cores; TensorFlow (session vectors) uses the GPU.
export TF_CPP_MIN_LOG_LEVEL=1
CAROUSEL_GPU=1 timeout 300 ./carousel bench scoring --seconds 3 --warmup 1 "$@" 2>&1 | tee -a "$out/report.txt"
echo "report: $out/report.txt"
# cli/target/classpath.txt now names the GPU natives; they also run on a CPU-only host (soft
# placement), but `mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
# -Dmdep.includeScope=runtime` without -Pgpu restores the smaller CPU build.
exit "$seen"
