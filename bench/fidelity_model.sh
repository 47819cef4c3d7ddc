#!/usr/bin/env bash
# The archive fidelity model test (src/pipeline/fidelity_model_test.cc)
# for longer than the suite gives it: random source histories against
# sources on 127.0.0.1, each run checked against the model. Prints how many
# sequences and runs it checked; any failure names its seed, which
# NEWSVAULT_MODEL_SEED=N runs alone.
#
#   bench/fidelity_model.sh [SECONDS]     # default 1800
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
case "$seconds" in '' | *[!0-9]*) echo "bench/fidelity_model.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
scripts/build.sh >/dev/null
NEWSVAULT_MODEL_SECONDS="$seconds" build/pipeline_test \
  --gtest_filter='FidelityModelTest.*' 2>&1 | grep -E '^fidelity model:|Failure|seed|step|PASSED|FAILED'
