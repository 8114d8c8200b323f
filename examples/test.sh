#!/usr/bin/env bash
# Runs every test suite. Real-kernel suites need root; they set their own SWCOMPOSE_ROOT and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
