#!/usr/bin/env bash
# The whole test suite: typecheck and build, then every *.test.ts under src/ and test/ with node:test through tsx
# (the end-to-end suites run the gateway from src/ through tsx), then the end-to-end suites again against the build
# (dist/, what `npm start` runs) with the engine in worker threads.
# PostgreSQL: scripts/with-postgres.sh provides WAGATE_TEST_PG_URL (a throw-away cluster on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr
npx tsc --noEmit -p tsconfig.json
npm run --silent build
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
bash scripts/with-postgres.sh npx tsx --test --test-force-exit --test-reporter=spec "${files[@]}"
# The end-to-end suites once more, against the build and with ENGINE_THREADS=2: every session's Baileys in engine
# worker threads started from dist/ (the first pass ran src/ through tsx with the default, 0: the main thread).
mapfile -t e2e < <(find test/e2e -name '*.test.ts' | sort)
echo "== end-to-end suites again against dist/ with ENGINE_THREADS=2 =="
WAGATE_TEST_GATEWAY_BUILD=dist WAGATE_TEST_ENGINE_THREADS=2 exec bash scripts/with-postgres.sh npx tsx --test --test-force-exit --test-reporter=spec "${e2e[@]}"
