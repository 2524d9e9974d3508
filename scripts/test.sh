#!/usr/bin/env bash
# The whole test suite, as CI runs it: sets up its venvs, then lint + types, the main leg
# (Airflow 3.3 + Prefect 3.7 in one venv) and a Prefect-only leg at the newest Prefect 3.x.
set -u
cd "$(dirname "$0")/.."
source scripts/_venv.sh
mkdir -p .test-artifacts
rm -f .test-artifacts/*.xml
declare -a timings=()
failed=0

leg() {
  local name=$1
  shift
  local t0=$SECONDS
  echo
  echo "=== $name"
  "$@"
  local rc=$?
  timings+=("$(printf '%-28s %5ss  %s' "$name" $((SECONDS - t0)) "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
  [ $rc -eq 0 ] || failed=1
  return 0
}

lint() {
  .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
}

leg "setup .venv (dev)" ensure_venv .venv dev
leg "ruff + mypy" lint
leg "pytest (airflow+prefect)" .venv/bin/pytest -q -p no:cacheprovider \
  --junitxml=.test-artifacts/main.xml tests "$@"
leg "setup .venv-prefect" ensure_venv .venv-prefect "prefect,testing" \
  -c constraints/prefect-latest.txt pytest pytest-timeout grpcio-tools==1.75.1
leg "pytest (prefect-only)" .venv-prefect/bin/pytest -q -p no:cacheprovider \
  --junitxml=.test-artifacts/prefect-only.xml tests/core tests/testing tests/prefect tests/examples/flows "$@"

echo
echo "=== timings"
printf '%s\n' "${timings[@]}"
echo "total                        ${SECONDS}s"
.venv/bin/python scripts/junit_totals.py .test-artifacts/main.xml .test-artifacts/prefect-only.xml || failed=1
exit $failed
