#!/usr/bin/env bash
# CI regression gate (issue 5): rerun the reference scenarios with the commands that produced the
# checked-in baselines and compare each result with `chatscale compare`. Simulated figures are
# deterministic, so the gate is exact: --tolerance 0% --any-change fails a throughput, latency,
# utilisation or loss figure that moves at all, either way. `meta` (wall time, memory) is shown,
# never gated.
#
#   scripts/ci-gate.sh            gate; exit 1 on a moved figure (the table says which)
#   scripts/ci-gate.sh --update   accept the current figures: rewrite baselines/*.json on purpose
#
# Builds dist/ first (the CLI runs from it); set CHATSCALE_NO_BUILD=1 to skip when it is fresh.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=gate
if [[ "${1:-}" == "--update" ]]; then mode=update; elif [[ $# -gt 0 ]]; then echo "usage: scripts/ci-gate.sh [--update]" >&2; exit 2; fi

if [[ "${CHATSCALE_NO_BUILD:-}" != "1" ]]; then npm run --silent build; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name | the run command's arguments (keep in step with docs/commands-planning.md)
runs=(
  "reference-chat|run reference-chat --set duration=1100ms --set warmup=100ms --json"
  "quickstart|run quickstart --set duration=6s --set warmup=1s --json"
)

failed=0
for entry in "${runs[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  result="$work/$name.json"
  # shellcheck disable=SC2086 # the arguments are one word each
  node bin/chatscale.js $args > "$result"
  if [[ "$mode" == update ]]; then
    if [[ -f "baselines/$name.json" ]]; then
      node bin/chatscale.js compare "baselines/$name.json" "$result" --update
    else
      cp "$result" "baselines/$name.json"
      echo "created baselines/$name.json"
    fi
    continue
  fi
  set +e
  node bin/chatscale.js compare "baselines/$name.json" "$result" --tolerance 0% --any-change --changed-only > "$work/$name.md"
  code=$?
  set -e
  if [[ $code -eq 0 ]]; then
    echo "ci-gate: $name: $(tail -n 1 "$work/$name.md")"
  elif [[ $code -eq 1 ]]; then
    cat "$work/$name.md"
    echo "ci-gate: $name moved against baselines/$name.json. If intended, run scripts/ci-gate.sh --update and commit the baselines." >&2
    failed=1
  else
    echo "ci-gate: comparing $name failed with exit code $code" >&2
    exit "$code"
  fi
done
exit "$failed"
