#!/usr/bin/env bash
# Installs every build, test and benchmark dependency from Debian 12 packages.
# Safe to run repeatedly; skips apt when everything is already present.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git clang clang-tidy clang-format
  libboost1.81-dev libboost-url1.81-dev libssl-dev openssl
  rapidjson-dev libxml2-dev libspdlog-dev libyaml-cpp-dev libsystemd-dev
  libgtest-dev libgmock-dev libhowardhinnant-date-dev tzdata
  libxml2-utils xsltproc python3 python3-xmltodict python3-prometheus-client curl
  dpkg-dev file systemd adduser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
