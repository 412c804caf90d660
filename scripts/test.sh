#!/usr/bin/env bash
# The whole test suite: lint (eslint with the layer rules, then prettier --check), typecheck, then every
# *.test.ts under src/ and test/ with node:test through tsx, then the end-to-end suites again with the
# engine in worker threads.
# PostgreSQL: scripts/with-postgres.sh provides WAGATE_TEST_PG_URL (a throw-away cluster on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr
npm run --silent lint
npx tsc --noEmit -p tsconfig.json
# The dashboard's browser code (src/dashboard/) has its own compiler settings: DOM types and Preact's JSX.
npx tsc --noEmit -p src/dashboard/tsconfig.json
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# The first pass runs every gateway with ENGINE_THREADS=0 (Baileys on the gateway's main thread); the default,
# `auto`, gives 0 on one core, so both modes stay tested.
WAGATE_TEST_ENGINE_THREADS=0 bash scripts/with-postgres.sh npx tsx --test --test-force-exit --test-reporter=spec "${files[@]}"
# The end-to-end suites once more with ENGINE_THREADS=2: every session's Baileys in engine worker threads.
mapfile -t e2e < <(find test/e2e -name '*.test.ts' | sort)
echo "== end-to-end suites again with ENGINE_THREADS=2 =="
WAGATE_TEST_ENGINE_THREADS=2 exec bash scripts/with-postgres.sh npx tsx --test --test-force-exit --test-reporter=spec "${e2e[@]}"
