#!/usr/bin/env bash
# Runs every test suite, after installing what they need. Real-kernel suites need root; each sets its own
# SWCOMPOSE_ROOT, uses swc-prefixed names and removes what it created.
set -euo pipefail
cd "$(dirname "$0")/.."
./examples/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
swift build --build-tests
swift test --skip-build
