#!/usr/bin/env bash
# Lints the OpenAPI document a running silo serves with Redocly's CLI and its recommended rules, skipping only what
# .redocly.lint-ignore.yaml lists. Needs Node.js (npx); the silo's address is the first argument.
#   ./openapi/lint.sh [http://127.0.0.1:8080]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${1:-http://127.0.0.1:8080}"
curl -fsS "${url%/}/openapi/v1.json" -o "$here/openapi.json"
cd "$here"
npx --yes @redocly/cli@2.77.0 lint openapi.json
