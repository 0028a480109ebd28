import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { toServerSettings } from "../../src/settings";

/** A reader over flat settings, as `getConfiguration("sidecarLsp").get(key)` sees them. */
function reader(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

/** The contributed settings with their defaults from package.json. */
function defaults(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require("../../../package.json");
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    out[key.replace(/^sidecarLsp\./, "")] = (schema as { default: unknown }).default;
  }
  return out;
}

test("every contributed setting maps onto a key the server reads, or is the client's own", () => {
  const manifest = require("../../../package.json");
  const keys = Object.keys(manifest.contributes.configuration.properties).sort();
  assert.deepEqual(keys, [
    "sidecarLsp.codeLens.enable",
    "sidecarLsp.dialects",
    "sidecarLsp.hkube.sidecarCpu",
    "sidecarLsp.hkube.sidecarMemory",
    "sidecarLsp.hkube.useResourceLimits",
    "sidecarLsp.inlayHints.enable",
    "sidecarLsp.kubernetes.featureGates",
    "sidecarLsp.kubernetes.version",
    "sidecarLsp.rules",
    "sidecarLsp.server.path",
    "sidecarLsp.trace.server",
  ]);
});

test("the defaults give the server HKube's defaults and both editor features on", () => {
  assert.deepEqual(toServerSettings(reader(defaults())), {
    hkube: { useResourceLimits: false, sidecarCpu: 0.1, sidecarMemory: "128Mi" },
    inlayHints: { enable: true },
    codeLens: { enable: true },
  });
});

test("every setting lands where settings.rs reads it (the README's example)", () => {
  const sent = toServerSettings(
    reader({
      ...defaults(),
      "server.path": "/opt/sidecar-lsp",
      "trace.server": "verbose",
      "kubernetes.version": "1.31",
      "kubernetes.featureGates": { ContainerRestartRules: true },
      rules: { B602: "off", "image-tag-floating": "Info" },
      dialects: { hkube: ["algorithms/**/*.json"], calyptia: [] },
      "hkube.useResourceLimits": true,
      "hkube.sidecarCpu": 0.25,
      "hkube.sidecarMemory": "256Mi",
      "inlayHints.enable": false,
      "codeLens.enable": false,
    }),
  );
  assert.deepEqual(sent, {
    kubernetes: { version: "1.31", featureGates: { ContainerRestartRules: true } },
    rules: { B602: "off", "image-tag-floating": "info" },
    dialects: { hkube: ["algorithms/**/*.json"] },
    hkube: { useResourceLimits: true, sidecarCpu: 0.25, sidecarMemory: "256Mi" },
    inlayHints: { enable: false },
    codeLens: { enable: false },
  });
  // The client's own settings never reach the server.
  assert.ok(!("server" in sent) && !("trace" in sent));
});

test("values of the wrong type are left for the server's defaults", () => {
  const sent = toServerSettings(
    reader({
      "kubernetes.version": "  ",
      "kubernetes.featureGates": { A: "yes", B: false },
      rules: ["B602"],
      dialects: { hkube: [3, "a/*.json"] },
      "hkube.sidecarCpu": -1,
      "hkube.sidecarMemory": "",
      "inlayHints.enable": "no",
    }),
  );
  assert.deepEqual(sent, {
    kubernetes: { featureGates: { B: false } },
    dialects: { hkube: ["a/*.json"] },
    inlayHints: { enable: true },
    codeLens: { enable: true },
  });
});

test("the keys sent are the ones the repository README documents for the server", () => {
  // The README's "Language server" section shows the whole `sidecarLsp` object the server reads.
  const readme = readFileSync(join(__dirname, "..", "..", "..", "..", "..", "README.md"), "utf8");
  const block = /```json\n(\{"sidecarLsp": \{[\s\S]*?\}\})\n```/.exec(readme);
  assert.ok(block, "the README has the sidecarLsp example");
  const documented = JSON.parse(block[1]).sidecarLsp;
  const sent = toServerSettings(
    reader({
      ...defaults(),
      "kubernetes.version": "1.30",
      "kubernetes.featureGates": { SomeGate: true },
      rules: { B602: "off" },
      dialects: { kubevela: ["apps/*.yaml"] },
    }),
  );
  // Maps keyed by the user (rules, dialects, feature gates) are compared by type only.
  const userKeyed = new Set(["rules", "dialects", "kubernetes.featureGates"]);
  const shape = (value: unknown, prefix: string): string[] =>
    value !== null && typeof value === "object" && !Array.isArray(value) && !userKeyed.has(prefix)
      ? Object.entries(value).flatMap(([k, v]) => shape(v, prefix === "" ? k : `${prefix}.${k}`))
      : [`${prefix}: ${Array.isArray(value) ? "array" : typeof value}`];
  assert.deepEqual(shape(sent, "").sort(), shape(documented, "").sort());
});
