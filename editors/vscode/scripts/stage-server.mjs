// Before `vsce package`: make build/ (where the .vsix goes), and put the server binary named by
// SIDECAR_LSP_BUNDLE into server/ (the extension runs it when sidecarLsp.server.path is empty),
// or make sure server/ holds no stale binary from an earlier package. A .vsix with a binary
// inside only runs on that binary's platform.
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "server", process.platform === "win32" ? "sidecar-lsp.exe" : "sidecar-lsp");
const source = process.env.SIDECAR_LSP_BUNDLE;

mkdirSync(join(root, "build"), { recursive: true });
rmSync(join(root, "server"), { recursive: true, force: true });
if (source === undefined || source === "") {
  console.log("stage-server: no SIDECAR_LSP_BUNDLE, packaging without a server binary");
} else {
  if (!statSync(source, { throwIfNoEntry: false })?.isFile()) {
    console.error(`stage-server: SIDECAR_LSP_BUNDLE=${source} is not a file`);
    process.exit(1);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  chmodSync(target, 0o755);
  console.log(`stage-server: bundled ${source} as server/${target.split(/[\\/]/).pop()}`);
}
