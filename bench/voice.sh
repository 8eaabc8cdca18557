#!/bin/sh
# voice.sh - the voice channel under SIP load (sipp, tcpdump), on loopback
# or (RIG=netns) with the daemon behind a veth pair in its own namespace.
# usage: bench/voice.sh /path/to/centralino    (make bench-voice runs it)
#
# Phases: call set-ups per second through a queue to answering agents;
# callers on hold with music; bridged caller-agent calls with audio both
# ways; overload (503 with Retry-After). Progress on stderr, one JSON
# object on stdout. Needs root (tcpdump on lo), sipp, python3. The knobs
# (FAST=1 for a one-minute smoke run, RATES, HOLD_N, BRIDGE_N, PHASES,
# RIG=netns, KEEP=1 ...) are listed in bench/README.md, section Voice.
set -u
bin=${1:?usage: voice.sh /path/to/centralino}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
ulimit -n 65536 2>/dev/null || ulimit -n 20000 2>/dev/null || true
exec "$py" "$(dirname "$0")/voice/run.py" "$bin"
