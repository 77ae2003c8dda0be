#!/bin/sh
# Fails when the C sources call a banned function: each has a safer form
# that carries a length or keeps no hidden state.
cd "$(dirname "$0")/.." || exit 1
banned='strcpy|strcat|strncpy|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|gmtime|localtime|asctime|ctime'
if grep -rnE "(^|[^a-zA-Z0-9_.>])($banned)[[:space:]]*\(" src tests/unit tests/store fuzz bench --include='*.c' --include='*.h'; then
    echo "banned function calls found (see above)" >&2
    exit 1
fi
exit 0
