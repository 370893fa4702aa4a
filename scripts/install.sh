#!/usr/bin/env bash
# Install mockinterviewer into ./.venv with everything it uses (voice, PostgreSQL, web).
#   scripts/install.sh          the application
#   scripts/install.sh --voice-base   plus the larger Whisper base speech model (about 130 MB to
#                               download; then MOCKINTERVIEWER_STT_MODEL=base)
#   scripts/install.sh --test   plus Whisper base and what the test suite needs (a real llama.cpp server and model,
#                               a PostgreSQL server, espeak-ng/sox for test audio, Chromium for the
#                               browser tests)
# System packages are installed with apt-get when run as root; otherwise the script names them.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
extras=voice,postgres,web,dev
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=1; extras=$extras,voice-base ;;
    --voice-base) extras=$extras,voice-base ;;
    *) echo "Unknown option: $arg (use --test or --voice-base)" >&2; exit 2 ;;
  esac
done

# bubblewrap: the sandbox for candidates' code; node and a JDK only where they are missing.
system_packages=(libportaudio2 espeak-ng bubblewrap)
command -v node >/dev/null || system_packages+=(nodejs)
command -v javac >/dev/null || system_packages+=(default-jdk-headless)
[ "$with_tests" = 1 ] && system_packages+=(sox postgresql-15 cmake chromium)  # chromium: the browser tests

missing=()
for pkg in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    echo "(without them, voice interviews are unavailable and code runs without the sandbox's isolation;" >&2
    echo " text interviews still work)" >&2
  fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[$extras]"

if [ "$with_tests" = 1 ]; then
  # A real OpenAI-compatible server for the LLM tests: llama.cpp with a small GGUF model.
  # The native build crashes on this kind of CPU at first inference: build portable code.
  if ! .venv/bin/python -c "import llama_cpp.server" 2>/dev/null; then
    echo "Building llama-cpp-python (a few minutes, once)..." >&2
    CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip install -q "llama-cpp-python[server]==0.3.36"
  fi
  .venv/bin/python -m pip install -q -e ".[llm-test]"
fi
echo "Installed into $(pwd)/.venv" >&2
