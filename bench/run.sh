#!/bin/sh
# The katib-sa benchmark: one command. See bench/README.md; --help for options.
exec python3 "$(dirname "$0")/bench.py" "$@"
