#!/usr/bin/env bash
# Side-by-side benchmarks of sidecar-lsp against yaml-language-server, check-jsonschema and
# kubernetes-validate. Installs the peers (pinned) into bench/.peers, builds sidecar-lsp
# (release), writes the inputs to bench/work and runs bench/peers.py, which writes
# bench/results/latest.md.
#
#   bash bench/run.sh            # the full comparison (about 10 minutes on 2 cores)
#   bash bench/run.sh --smoke    # our side only, 20-line input, debug build: seconds
#   bash bench/run.sh -- --rounds 3 --lint-rounds 5   # extra options for peers.py
#
# Needs: cargo, Python 3.11+, and (full run only) Node.js/npm and network access to the npm
# registry and PyPI the first time.
set -euo pipefail

cd "$(dirname "$0")/.."
YAML_LANGUAGE_SERVER=2.0.0
CHECK_JSONSCHEMA=0.39.0
KUBERNETES_VALIDATE=1.37.0

smoke=0
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --) shift; extra+=("$@"); break ;;
        *) extra+=("$1") ;;
    esac
    shift
done

PYTHON=${PYTHON:-python3}
peers=bench/.peers
inputs=bench/work  # not a dot folder: yaml-language-server globs skip dot folders
mkdir -p "$peers" "$inputs"

if [[ $smoke == 1 ]]; then
    cargo build --quiet -p sidecar-lsp --bin sidecar-lsp --example bench_inputs
    target=${CARGO_TARGET_DIR:-target}/debug
    "$target/examples/bench_inputs" "$inputs" >/dev/null
    "$PYTHON" -m unittest -q bench/test_peers.py
    exec "$PYTHON" bench/peers.py --smoke --rounds 1 --opens 3 --changes 20 --requests 20 \
        --sidecar "$target/sidecar-lsp" --inputs "$inputs" "${extra[@]}"
fi

# Peers, pinned; reinstalled only when the pinned version is missing.
if [[ ! -x $peers/node/node_modules/.bin/yaml-language-server ]] ||
    ! grep -q "\"version\": \"$YAML_LANGUAGE_SERVER\"" \
        "$peers/node/node_modules/yaml-language-server/package.json"; then
    npm install --prefix "$peers/node" --no-audit --no-fund --silent \
        "yaml-language-server@$YAML_LANGUAGE_SERVER"
fi
if [[ ! -x $peers/venv/bin/python ]]; then
    "$PYTHON" -m venv "$peers/venv"
fi
if ! "$peers/venv/bin/pip" freeze 2>/dev/null | grep -qx "check-jsonschema==$CHECK_JSONSCHEMA" ||
    ! "$peers/venv/bin/pip" freeze 2>/dev/null | grep -qx "kubernetes-validate==$KUBERNETES_VALIDATE"; then
    "$peers/venv/bin/pip" install --quiet --disable-pip-version-check \
        "check-jsonschema==$CHECK_JSONSCHEMA" "kubernetes-validate==$KUBERNETES_VALIDATE"
fi

cargo build --release --quiet -p sidecar-lsp --bin sidecar-lsp --example bench_inputs \
    --example parse_floor
target=${CARGO_TARGET_DIR:-target}/release
"$target/examples/bench_inputs" "$inputs" >/dev/null

corpus=${SIDECAR_LSP_CORPUS:-}
if [[ -z $corpus ]]; then
    for candidate in ../shared/corpus ../../shared/corpus; do
        if [[ -d $candidate ]]; then corpus=$candidate; break; fi
    done
fi
versions="sidecar-lsp $("$target/sidecar-lsp" --version | head -n 1 | awk '{print $2}') (release build, $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
versions+="; yaml-language-server $YAML_LANGUAGE_SERVER on Node.js $(node --version)"
versions+="; check-jsonschema $CHECK_JSONSCHEMA and kubernetes-validate $KUBERNETES_VALIDATE on Python $("$peers/venv/bin/python" -c 'import platform; print(platform.python_version())')"

exec "$PYTHON" bench/peers.py \
    --sidecar "$target/sidecar-lsp" \
    --parse-floor "$target/examples/parse_floor" \
    --inputs "$inputs" \
    --node-bin "$peers/node/node_modules/.bin" \
    --venv-bin "$peers/venv/bin" \
    --kube-index schemas/kubernetes/v1.37/index.json \
    --corpus "$corpus" \
    --versions "$versions" \
    --out bench/results/latest.md \
    "${extra[@]}"
