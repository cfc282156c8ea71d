#!/usr/bin/env bash
# CLI golden driver: expect.sh RC REGEX [!REGEX ...] -- COMMAND ARGS...
# Runs COMMAND, requires exit status RC and that the combined stdout+stderr matches every REGEX
# (grep -E), and matches none of the REGEXes prefixed with '!'.
set -u
want_rc=$1; shift
patterns=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
shift
out=$("$@" 2>&1); rc=$?
status=0
if [ "$rc" -ne "$want_rc" ]; then echo "FAIL: exit status $rc, expected $want_rc"; status=1; fi
for p in "${patterns[@]}"; do
  if [ "${p:0:1}" = "!" ]; then
    if printf '%s\n' "$out" | grep -Eq -- "${p:1}"; then echo "FAIL: output matches forbidden /${p:1}/"; status=1; fi
  elif ! printf '%s\n' "$out" | grep -Eq -- "$p"; then echo "FAIL: output does not match /$p/"; status=1; fi
done
if [ "$status" -ne 0 ]; then printf -- '--- command: %s\n--- output (first 60 lines):\n' "$*"; printf '%s\n' "$out" | head -60; fi
exit $status
