#!/usr/bin/env bash
# Installs the Debian packages koe needs, only those that are missing.
#   scripts/install-deps.sh            build and run koe
#   scripts/install-deps.sh --browser  also what the browser tests need (Chromium, Node.js)
set -euo pipefail

packages=(
  build-essential cmake pkg-config          # the C++20 toolchain and CMake
  libxapian-dev                             # the search engine
  libmecab-dev mecab-utils                  # Japanese morphological analysis, mecab-dict-index
  mecab-ipadic mecab-ipadic-utf8            # the dictionary (sources for the user dictionary + compiled UTF-8)
  libicu-dev                                # Unicode normalization (NFKC), Shift_JIS decoding
  libboost-dev                              # Boost.Beast/Asio: the HTTP server (limits and deadlines while reading)
  libcpp-httplib-dev                        # the HTTP client of the API tests
  nlohmann-json3-dev                        # JSON in and out
  libsqlite3-dev                            # the voice desk's embedded store
  libsodium-dev                             # argon2id password hashes, random tokens
  libjemalloc-dev                           # malloc of the koe executables: indexing ~15 % faster
  libcli11-dev libspdlog-dev libfmt-dev     # command line and logs
  catch2                                    # unit tests
  clang libfuzzer-14-dev libclang-rt-14-dev # fuzzing (libFuzzer) and the sanitizer build
  clang-format                              # scripts/check-format.sh: the formatter decides
  curl python3                              # the README's smoke checks and the dev-set scorer
)
if [[ "${1:-}" == "--browser" ]]; then
  packages+=(chromium fonts-noto-cjk)  # a Japanese font, or screenshots show empty boxes
  # Node.js may come from elsewhere than Debian (it does on the CI image); only a missing
  # command makes us install Debian's, whose npm would conflict with another node.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "[install-deps] everything is installed"
  exit 0
fi
echo "[install-deps] installing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
