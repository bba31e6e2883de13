#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls `npm run test:all`).
# 1. installs what the integration tests need when it is missing (Debian packages, npm packages),
# 2. lint + format check, type check, build, 3. every test (unit, fixture, property, integration).
set -eu
cd "$(dirname "$0")/.."

sh scripts/install-test-deps.sh

[ -d node_modules ] || npm install --no-audit --no-fund
npx biome check .
npx tsc --noEmit -p .
npm run build
npx vitest run
