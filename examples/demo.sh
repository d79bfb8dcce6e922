#!/usr/bin/env bash
# The tutorial's flow (../shared/seeds, chapter 10) on the bundled demo services, with the
# release binaries in bin/ (`make demo` builds them first). Each step is the command the
# chapter shows; the spec files live next to this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n$ %s\n' "$*"; "$@"; }

# 1. The happy path, registered with scenario(): one test.
step faultbox test examples/scenario-test.star

# 2. Let faultbox propose the failures: one .faults.star per scenario.
cp examples/scenario-test.star "$work/"
(cd "$work" && step faultbox generate scenario-test.star --dry-run)
(cd "$work" && step faultbox generate scenario-test.star)

# 3. Run what was generated: the 6-cell matrix and the partition test. db_slow takes ~10 s:
#    mock-api dials the db per request, so the POST and the GET each wait one delayed connect.
#    The spec says BIN = "bin"; run from a directory where bin/ holds the services.
ln -s "$PWD/bin" "$work/bin"
(cd "$work" && step faultbox test order_flow.faults.star)

# 4. Curated: expectations per cell (overrides) and an excluded pair.
step faultbox test examples/order_flow.overrides.star

# 5. What happened, not only what was answered: assertions over the event trace, a
#    stateful monitor, and the trace written for tools (normalised for faultbox diff).
step faultbox test examples/trace.star --normalize "$work/trace.norm" --shiviz "$work/trace.shiviz"
step faultbox test examples/trace.star --normalize "$work/again.norm"
step faultbox diff "$work/trace.norm" "$work/again.norm"
