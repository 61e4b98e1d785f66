#!/usr/bin/env bash
# The bundled rules lint clean and pass their own examples.
set -euo pipefail
bin=$1
"$bin" rules lint rules
"$bin" rules test rules | tail -n 3
