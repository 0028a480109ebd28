// The settings this extension contributes, turned into the `sidecarLsp` object the server reads
// through `workspace/configuration` (see the README's "Language server" section and
// server/src/lsp/settings.rs). No `vscode` import: unit-tested under plain Node.

/** The section the server asks for. */
export const SECTION = "sidecarLsp";

/** Reads one setting below `sidecarLsp` (`"kubernetes.version"`…), like `WorkspaceConfiguration.get`. */
export type SettingReader = (key: string) => unknown;

/** What the server reads: every key optional, as in `settings.rs`. */
export interface ServerSettings {
  kubernetes?: { version?: string; featureGates?: Record<string, boolean> };
  rules?: Record<string, string>;
  dialects?: Record<string, string[]>;
  hkube?: { useResourceLimits?: boolean; sidecarCpu?: number; sidecarMemory?: string };
  inlayHints: { enable: boolean };
  codeLens: { enable: boolean };
}

/** The dialect names the server accepts in `dialects`. */
export const DIALECTS = ["hkube", "kubevela", "calyptia", "kubernetes"] as const;

/** The rule levels the server accepts in `rules`. */
export const LEVELS = ["error", "warning", "info", "hint", "off"] as const;

/**
 * The `sidecarLsp` object for the server. Client-only settings (`server.path`, `trace.server`)
 * stay out; empty or malformed values are left out so that the server's defaults (and each
 * project's `sidecar-lsp.toml`) apply.
 */
export function toServerSettings(read: SettingReader): ServerSettings {
  const out: ServerSettings = {
    inlayHints: { enable: bool(read("inlayHints.enable"), true) },
    codeLens: { enable: bool(read("codeLens.enable"), true) },
  };

  const kubernetes: NonNullable<ServerSettings["kubernetes"]> = {};
  const version = read("kubernetes.version");
  if (typeof version === "string" && version.trim() !== "") {
    kubernetes.version = version.trim();
  }
  const gates = booleanRecord(read("kubernetes.featureGates"));
  if (Object.keys(gates).length > 0) {
    kubernetes.featureGates = gates;
  }
  if (Object.keys(kubernetes).length > 0) {
    out.kubernetes = kubernetes;
  }

  const rules: Record<string, string> = {};
  for (const [rule, level] of entries(read("rules"))) {
    if (typeof level === "string" && rule.trim() !== "") {
      // The server checks codes and levels and reports what it does not know.
      rules[rule.trim()] = level.trim().toLowerCase();
    }
  }
  if (Object.keys(rules).length > 0) {
    out.rules = rules;
  }

  const dialects: Record<string, string[]> = {};
  for (const [dialect, globs] of entries(read("dialects"))) {
    const list = (Array.isArray(globs) ? globs : [globs]).filter(
      (g): g is string => typeof g === "string" && g.trim() !== "",
    );
    if (list.length > 0) {
      dialects[dialect] = list;
    }
  }
  if (Object.keys(dialects).length > 0) {
    out.dialects = dialects;
  }

  const hkube: NonNullable<ServerSettings["hkube"]> = {};
  const limits = read("hkube.useResourceLimits");
  if (typeof limits === "boolean") {
    hkube.useResourceLimits = limits;
  }
  const cpu = read("hkube.sidecarCpu");
  if (typeof cpu === "number" && Number.isFinite(cpu) && cpu > 0) {
    hkube.sidecarCpu = cpu;
  }
  const memory = read("hkube.sidecarMemory");
  if (typeof memory === "string" && memory.trim() !== "") {
    hkube.sidecarMemory = memory.trim();
  }
  if (Object.keys(hkube).length > 0) {
    out.hkube = hkube;
  }
  return out;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

function entries(value: unknown): [string, unknown][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [];
  }
  return Object.entries(value as Record<string, unknown>);
}

function booleanRecord(value: unknown): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [key, flag] of entries(value)) {
    if (typeof flag === "boolean") {
      out[key] = flag;
    }
  }
  return out;
}
