#!/usr/bin/env bash
# Regenerates every committed JSON Schema under schemas/: the Kubernetes schemas of each
# supported version (one cargo build per version, since k8s-openapi compiles one version at a
# time) and, with the default version, the dialect schemas.
#
#   bash schemas/generate.sh            # write
#   bash schemas/generate.sh --check    # compare only; exit 1 on drift
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

default_version=37
for minor in 33 34 35 36 37; do
    if [[ "$minor" == "$default_version" ]]; then
        features=()
    else
        features=(--no-default-features --features "v1_$minor")
    fi
    echo "== Kubernetes 1.$minor" >&2
    cargo run --quiet -p sidecar-schema-gen "${features[@]}" -- "$@"
done
