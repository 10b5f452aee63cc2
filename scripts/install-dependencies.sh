#!/usr/bin/env bash
# Installs the C libraries and tools Tributary builds and tests with (Debian/Ubuntu).
set -euo pipefail
packages=(librdkafka-dev librocksdb-dev libjemalloc-dev kcat rocksdb-tools liblsan0 pkg-config chromium fonts-dejavu-core)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${packages[@]}"
