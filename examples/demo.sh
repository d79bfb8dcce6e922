#!/usr/bin/env bash
# The main job: for now, evaluate a Starlark example (the tutorial flow lands with `faultbox test`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin/faultbox eval examples/hello.star
