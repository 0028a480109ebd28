#!/usr/bin/env bash
# The logic of the sidecar-lsp GitHub Action (action.yml), kept here so that it can run and be
# tested outside GitHub (tests/pipelines.rs runs it with temporary GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY files).
#
# One `sidecar-lsp lint` run prints the findings as workflow commands (annotations) and writes
# them as SARIF (for github/codeql-action/upload-sarif); the step's outputs give the SARIF path,
# the exit code and the counts; the step fails as `sidecar-lsp lint` exits (1 findings, 2 usage or
# I/O errors) unless fail-on-findings is false.
#
# Inputs (environment): INPUT_PATHS (whitespace-separated paths, directories or globs; default
# `.`), INPUT_SARIF_FILE (default sidecar-lsp.sarif; empty: none), INPUT_KUBE_VERSION,
# INPUT_CONFIG, INPUT_DENY_WARNINGS (true/false), INPUT_FAIL_ON_FINDINGS (true/false, default
# true), INPUT_INSTALL (auto: the sidecar-lsp on PATH if there is one, else cargo install from
# the action's checkout; cargo; path), ACTION_PATH (the action's checkout), SIDECAR_LSP_BIN (a
# binary to use, skipping installation), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -euo pipefail

paths="${INPUT_PATHS:-.}"
sarif_file="${INPUT_SARIF_FILE-sidecar-lsp.sarif}"
install="${INPUT_INSTALL:-auto}"
action_path="${ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
is_true() { case "${1:-}" in true | TRUE | True | 1 | yes) return 0 ;; *) return 1 ;; esac; }

# The binary.
bin="${SIDECAR_LSP_BIN:-}"
if [ -z "$bin" ]; then
  case "$install" in
    path)
      bin="$(command -v sidecar-lsp)" || {
        echo "::error title=sidecar-lsp::install: path, but no sidecar-lsp on PATH"
        exit 2
      }
      ;;
    auto | cargo)
      if [ "$install" = auto ] && command -v sidecar-lsp > /dev/null; then
        bin="$(command -v sidecar-lsp)"
      else
        root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sidecar-lsp"
        echo "::group::cargo install --locked --path $action_path/server"
        cargo install --locked --quiet --path "$action_path/server" --root "$root"
        echo "::endgroup::"
        bin="$root/bin/sidecar-lsp"
      fi
      ;;
    *)
      echo "::error title=sidecar-lsp::install must be auto, cargo or path, not '$install'"
      exit 2
      ;;
  esac
fi
"$bin" --version | head -n 1

# The arguments. Paths are split on whitespace and never expanded by the shell (lint expands
# globs itself, honouring .gitignore).
set -f
# shellcheck disable=SC2206
path_args=($paths)
set +f
args=(lint "${path_args[@]}" --format github)
[ -n "$sarif_file" ] && args+=(--sarif-file "$sarif_file")
[ -n "${INPUT_KUBE_VERSION:-}" ] && args+=(--kube-version "$INPUT_KUBE_VERSION")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
is_true "${INPUT_DENY_WARNINGS:-false}" && args+=(--deny-warnings)

annotations="$(mktemp)"
trap 'rm -f "$annotations"' EXIT
code=0
"$bin" "${args[@]}" > "$annotations" || code=$?
cat "$annotations"

errors="$(grep -c '^::error ' "$annotations" || true)"
warnings="$(grep -c '^::warning ' "$annotations" || true)"
notices="$(grep -c '^::notice ' "$annotations" || true)"
findings=$((errors + warnings + notices))

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "sarif-file=$sarif_file"
    echo "exit-code=$code"
    echo "errors=$errors"
    echo "warnings=$warnings"
    echo "notices=$notices"
    echo "findings=$findings"
  } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  case "$code" in
    0) verdict="passed" ;;
    1) verdict="failed: findings" ;;
    *) verdict="failed: usage, configuration or I/O errors (exit $code)" ;;
  esac
  {
    echo "### sidecar-lsp lint: $verdict"
    echo
    echo "| Errors | Warnings | Notices |"
    echo "|---|---|---|"
    echo "| $errors | $warnings | $notices |"
    [ -n "$sarif_file" ] && echo && echo "SARIF: \`$sarif_file\`"
  } >> "$GITHUB_STEP_SUMMARY"
fi
echo "sidecar-lsp: $errors errors, $warnings warnings, $notices notices (exit $code)"

if [ "$code" -ne 0 ] && { [ "$code" -ne 1 ] || is_true "${INPUT_FAIL_ON_FINDINGS:-true}"; }; then
  exit "$code"
fi
exit 0
