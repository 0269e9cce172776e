#!/bin/sh
# Runs a benchmark on one core when taskset (util-linux) is there, so figures mean "per core".
if command -v taskset >/dev/null 2>&1; then
  exec taskset -c 0 "$@"
fi
echo "taskset not found: running on all cores" >&2
exec "$@"
