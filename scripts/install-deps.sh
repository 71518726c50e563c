#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing xloss needs, and
# only those that are missing, so it is safe to run every time (scripts/test.sh
# does). Works as root, or through sudo when run as another user.
#
#   scripts/install-deps.sh [--with-torch]
#
# --with-torch adds PyTorch (Python module and C++ library). It is needed only
# to regenerate the reference data and as a benchmark peer; the tests never
# need it.
set -euo pipefail

# build-essential/g++: GCC 12 and libasan/libubsan for the sanitizer build.
# libclang-rt-14-dev: clang's sanitizer runtimes (a clang + XLOSS_SANITIZE build).
# python3: the benchmark report (scripts/main.sh), standard library only.
packages=(build-essential g++ cmake ninja-build clang-14 libclang-rt-14-dev
          libboost-dev libboost-test-dev libeigen3-dev libbenchmark-dev python3)
torch_packages=(python3 python3-torch libtorch-dev)

for arg in "$@"; do
  case $arg in
    --with-torch) packages+=("${torch_packages[@]}") ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown argument '$arg' (the only option is --with-torch)" >&2
       exit 2 ;;
  esac
done

# `dpkg -s` also succeeds for a removed package whose config files remain, so
# ask for the exact status instead.
is_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} needed packages are installed"
  exit 0
fi

if ((EUID == 0)); then
  as_root=()
elif command -v sudo > /dev/null; then
  as_root=(sudo)
else
  echo "install-deps: these packages are missing and installing them needs root" \
       "(run as root, or install sudo): ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
# The lock timeout waits out an apt run already going on a freshly booted machine.
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
"${as_root[@]}" "${apt[@]}" update
"${as_root[@]}" "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
