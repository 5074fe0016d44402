#!/usr/bin/env bash
# Install Node.js and npm (for the offline spec linter, Spectral) when the machine has none.
# Uses Debian's packages as root; anywhere else it says what to do instead.
set -euo pipefail
if command -v npm >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "npm not found: installing Debian's nodejs and npm" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    exit 0
fi
echo "npm not found: install Node.js 18 or newer with npm (the spec linter, Spectral, runs on it), then rerun make" >&2
exit 2
