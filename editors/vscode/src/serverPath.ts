// Where the `sidecar-lsp` binary comes from: the `sidecarLsp.server.path` setting, else the
// binary bundled in the extension, else `sidecar-lsp` on PATH. No `vscode` import: unit-tested
// under plain Node.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** How the server was found. */
export type ServerSource = "setting" | "bundled" | "path";

/** The binary to start, or why none can be. */
export type ServerResolution =
  | { ok: true; command: string; source: ServerSource }
  | { ok: false; reason: string; tried: string[] };

/** What resolution looks at: everything from outside, so tests can fake it. */
export interface ResolveInput {
  /** The `sidecarLsp.server.path` setting (may be empty). */
  configured: string;
  /** The extension's install folder. */
  extensionPath: string;
  /** The first workspace folder, for relative paths and `${workspaceFolder}`. */
  workspaceFolder?: string;
  /** The PATH variable. */
  pathEnv: string;
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** The home folder, for `~`. */
  home: string;
  /** Whether a file exists and can be run. */
  isExecutable: (file: string) => boolean;
}

/** The binary's file name on `platform`. */
export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "sidecar-lsp.exe" : "sidecar-lsp";
}

/** Where a bundled server sits inside the extension. */
export function bundledPath(extensionPath: string, platform: NodeJS.Platform): string {
  return path.join(extensionPath, "server", binaryName(platform));
}

/** Expand `~` and `${workspaceFolder}`, and anchor a relative path at the workspace folder. */
export function expandConfiguredPath(
  configured: string,
  home: string,
  workspaceFolder: string | undefined,
): string {
  let p = configured.trim();
  if (workspaceFolder !== undefined) {
    p = p.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (p === "~") {
    p = home;
  } else if (p.startsWith("~/") || p.startsWith("~\\")) {
    p = path.join(home, p.slice(2));
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined && /[\\/]/.test(p)) {
    p = path.join(workspaceFolder, p);
  }
  return p;
}

/** Find the server: the setting, the bundled binary, then PATH. */
export function resolveServer(input: ResolveInput): ServerResolution {
  const configured = input.configured.trim();
  if (configured !== "") {
    const expanded = expandConfiguredPath(configured, input.home, input.workspaceFolder);
    // A bare name ("sidecar-lsp-dev") is looked up on PATH, as a shell would.
    if (!/[\\/]/.test(expanded)) {
      const onPath = searchPath(expanded, input);
      if (onPath !== undefined) {
        return { ok: true, command: onPath, source: "setting" };
      }
      return {
        ok: false,
        reason: `sidecarLsp.server.path is "${configured}", which is not on PATH.`,
        tried: [expanded],
      };
    }
    if (input.isExecutable(expanded)) {
      return { ok: true, command: expanded, source: "setting" };
    }
    // The user asked for this binary: do not silently run another one.
    const where = expanded === configured ? "" : ` (${expanded})`;
    return {
      ok: false,
      reason: `sidecarLsp.server.path is "${configured}"${where}, which does not exist or cannot be run.`,
      tried: [expanded],
    };
  }
  const bundled = bundledPath(input.extensionPath, input.platform);
  if (input.isExecutable(bundled)) {
    return { ok: true, command: bundled, source: "bundled" };
  }
  const onPath = searchPath(binaryName(input.platform), input);
  if (onPath !== undefined) {
    return { ok: true, command: onPath, source: "path" };
  }
  return {
    ok: false,
    reason: "The sidecar-lsp language server was not found.",
    tried: [bundled, `${binaryName(input.platform)} on PATH`],
  };
}

/** The first `name` in the PATH folders that can be run. */
function searchPath(name: string, input: ResolveInput): string | undefined {
  const separator = input.platform === "win32" ? ";" : ":";
  const join = input.platform === "win32" ? path.win32.join : path.posix.join;
  for (const dir of input.pathEnv.split(separator)) {
    if (dir === "") {
      continue;
    }
    const candidate = join(dir, name);
    if (input.isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** The real inputs of this process, for the extension. */
export function processInput(
  configured: string,
  extensionPath: string,
  workspaceFolder: string | undefined,
): ResolveInput {
  return {
    configured,
    extensionPath,
    workspaceFolder,
    pathEnv: process.env.PATH ?? "",
    platform: process.platform,
    home: os.homedir(),
    isExecutable: isExecutableFile,
  };
}
