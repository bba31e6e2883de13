#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls `npm ci` then `npm run test:all`).
# 1. installs what the integration tests need when it is missing (Debian packages, npm packages),
# 2. lint + format check, type check, build, 3. every test (unit, fixture, property, integration) on the
# machine's Node, then again on the other supported LTS lines (Node 22 and 24 come from the npm registry as
# the `node` package: `npx -y node@22`), so a line-specific break cannot land.
set -eu
cd "$(dirname "$0")/.."

sh scripts/install-test-deps.sh

[ -d node_modules ] || npm ci --no-audit --no-fund
npx biome check .
npx tsc --noEmit -p .
npm run build
echo "== tests on $(node --version)" >&2
npx vitest run
for line in ${ENVTRACE_TEST_NODE_LINES-22 24}; do
  echo "== tests on Node $line" >&2
  npx -y "node@$line" node_modules/vitest/vitest.mjs run
done
