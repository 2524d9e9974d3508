# Sourced by scripts/*.sh: create a venv and install the project into it, once per pyproject.
# usage: ensure_venv DIR "EXTRAS" [pip args...]
ensure_venv() {
  local dir=$1 extras=$2
  shift 2
  local python=${PYTHON:-python3.11}
  command -v "$python" >/dev/null 2>&1 || python=python3
  local stamp_want
  stamp_want=$({ cat pyproject.toml constraints/*.txt; echo "$*"; } 2>/dev/null | sha256sum | cut -c1-16)-$extras
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$stamp_want" ]; then
    return 0
  fi
  echo ">> setting up $dir (extras: $extras)"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  # pip's find-links warnings are noise here; real errors still fail the install.
  set -o pipefail
  "$dir/bin/python" -m pip install -q -e ".[$extras]" "$@" 2>&1 | grep -v '^WARNING: Location' || {
    echo "!! pip install into $dir failed" >&2
    return 1
  }
  echo "$stamp_want" >"$dir/.installed"
}
