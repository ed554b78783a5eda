#!/usr/bin/env bash
# Runs every test in the workspace, every feature on. Tests that need
# redis-server start their own on a free loopback port; where the binary is
# missing they say so and skip (set ALPHAGUARD_REQUIRE_REDIS=1 to fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --workspace --all-features --locked "$@"
