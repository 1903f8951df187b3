#!/usr/bin/env bash
# The formatter decides, not reviews: every C++ file of koe must be as clang-format
# (.clang-format at the root) writes it. Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format is missing (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find . -name '*.[ch]pp' -not -path './build*')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/koe-format.$$; then
  grep -E '^[^ ].*(warning|error):' /tmp/koe-format.$$ | head -20 >&2
  echo "check-format: $(grep -cE '(warning|error):' /tmp/koe-format.$$) places differ from clang-format; run scripts/check-format.sh --fix" >&2
  rm -f /tmp/koe-format.$$
  exit 1
fi
rm -f /tmp/koe-format.$$
echo "[format] ${#files[@]} files as clang-format writes them"
