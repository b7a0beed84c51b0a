#!/usr/bin/env bash
# setup.sh: install the Debian packages plancheck needs (only the missing ones), then configure and build.
#   scripts/setup.sh            packages to build and run, build in build/
#   scripts/setup.sh --tests    also the packages the test suite uses (PostGIS, QGIS, Chromium, valgrind, clang)
# Idempotent and non-interactive: with everything present it installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(build-essential cmake pkg-config libgdal-dev gdal-bin libgeos-dev libproj-dev proj-data
                libcunit1-dev libjson-c-dev libpq-dev)
test_packages=(python3-gdal sqlite3 valgrind clang libclang-rt-14-dev osmium-tool jq postgresql postgresql-15-postgis-3
               postgis postgresql-15-pgrouting python3-qgis qgis-providers chromium fonts-noto-cjk xauth time
               python3-networkx python3-geopandas python3-scipy python3-rtree python3-psycopg2)

wanted=("${build_packages[@]}")
want_build=1
for arg in "$@"; do
    case "$arg" in
        --tests) wanted+=("${test_packages[@]}") ;;
        --no-build) want_build=0 ;;
        *) echo "setup.sh: unknown option '$arg' (expected --tests, --no-build)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "setup.sh: installing ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 update -q
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -q "${missing[@]}"
fi

if ((want_build)); then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j"$(nproc)"
fi
