#!/usr/bin/env bash
# Compares two commits' speed on one run command, interleaved (A B A B ...), because this machine's
# speed drifts by 1.5x within an hour and only back-to-back runs compare (BENCHMARKS.md).
#
#   scripts/interleave.sh REV_A REV_B ROUNDS -- RUN_ARGS...
#   scripts/interleave.sh defeac4 HEAD 2 -- scenarios/global-2025.yaml --set duration=23s
#
# Each revision is checked out into a temporary worktree (sharing this checkout's node_modules) and
# built once; each round runs `node bin/chatscale.js run RUN_ARGS --json` in both and prints the
# report's meta (wall, setup, events, peak RSS) with the process's user and system CPU seconds,
# which move less with the machine than the wall time does. The worktrees are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 4 || "$3" == "--" || "$4" != "--" ]]; then
  echo "usage: scripts/interleave.sh REV_A REV_B ROUNDS -- RUN_ARGS..." >&2
  exit 2
fi
revs=("$1" "$2")
rounds=$3
shift 4

work=$(mktemp -d)
cleanup() {
  for i in 0 1; do git worktree remove --force "$work/$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for i in 0 1; do
  git worktree add --detach "$work/$i" "${revs[$i]}" >/dev/null 2>&1
  ln -s "$PWD/node_modules" "$work/$i/node_modules"
  (cd "$work/$i" && npx tsc -p tsconfig.build.json)
done

for round in $(seq 1 "$rounds"); do
  for i in 0 1; do
    (cd "$work/$i" && /usr/bin/time -f "%U %S" -o "$work/time" node bin/chatscale.js run "$@" --json > "$work/out.json")
    node -e '
      const fs = require("fs");
      const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).meta;
      const [user, sys] = fs.readFileSync(process.argv[2], "utf8").trim().split(/\s+/);
      console.log(`round ${process.argv[3]} ${process.argv[4].padEnd(12)} wall ${m.wallSeconds} s, setup ${m.setupWallSeconds} s, ` +
        `events ${m.events}, peak RSS ${(m.peakRssBytes / 1e9).toFixed(2)} GB, user ${user} s, sys ${sys} s`);
    ' "$work/out.json" "$work/time" "$round" "${revs[$i]}"
  done
done
