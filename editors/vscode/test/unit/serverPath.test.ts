import assert from "node:assert/strict";
import { test } from "node:test";

import { expandConfiguredPath, type ResolveInput, resolveServer } from "../../src/serverPath";

/** A machine with exactly `files` executable. */
function machine(files: string[], overrides: Partial<ResolveInput> = {}): ResolveInput {
  return {
    configured: "",
    extensionPath: "/ext",
    workspaceFolder: "/work/repo",
    pathEnv: "/usr/local/bin:/usr/bin",
    platform: "linux",
    home: "/home/dev",
    isExecutable: (file) => files.includes(file),
    ...overrides,
  };
}

test("the setting wins over the bundled binary and PATH", () => {
  const found = resolveServer(
    machine(["/opt/sidecar-lsp", "/ext/server/sidecar-lsp", "/usr/bin/sidecar-lsp"], {
      configured: "/opt/sidecar-lsp",
    }),
  );
  assert.deepEqual(found, { ok: true, command: "/opt/sidecar-lsp", source: "setting" });
});

test("the bundled binary comes before PATH", () => {
  const found = resolveServer(machine(["/ext/server/sidecar-lsp", "/usr/bin/sidecar-lsp"]));
  assert.deepEqual(found, { ok: true, command: "/ext/server/sidecar-lsp", source: "bundled" });
});

test("PATH is searched in order", () => {
  const found = resolveServer(machine(["/usr/bin/sidecar-lsp", "/usr/local/bin/sidecar-lsp"]));
  assert.deepEqual(found, { ok: true, command: "/usr/local/bin/sidecar-lsp", source: "path" });
});

test("a configured path that does not exist is an error, not a silent fallback", () => {
  const found = resolveServer(
    machine(["/usr/bin/sidecar-lsp"], { configured: "~/bin/sidecar-lsp" }),
  );
  assert.deepEqual(found, {
    ok: false,
    reason:
      'sidecarLsp.server.path is "~/bin/sidecar-lsp" (/home/dev/bin/sidecar-lsp), which does not exist or cannot be run.',
    tried: ["/home/dev/bin/sidecar-lsp"],
  });
  const plain = resolveServer(machine([], { configured: "/opt/sidecar-lsp" }));
  assert.ok(!plain.ok && plain.reason === 'sidecarLsp.server.path is "/opt/sidecar-lsp", which does not exist or cannot be run.');
});

test("nothing anywhere says where it looked", () => {
  const found = resolveServer(machine([]));
  assert.deepEqual(found, {
    ok: false,
    reason: "The sidecar-lsp language server was not found.",
    tried: ["/ext/server/sidecar-lsp", "sidecar-lsp on PATH"],
  });
});

test("a bare configured name is looked up on PATH", () => {
  const found = resolveServer(
    machine(["/usr/bin/sidecar-lsp-nightly"], { configured: "sidecar-lsp-nightly" }),
  );
  assert.deepEqual(found, { ok: true, command: "/usr/bin/sidecar-lsp-nightly", source: "setting" });
});

test("Windows: .exe names and ; separated PATH", () => {
  const found = resolveServer(
    machine(["C:\\tools\\sidecar-lsp.exe"], {
      platform: "win32",
      extensionPath: "C:\\ext",
      pathEnv: "C:\\Windows;C:\\tools",
    }),
  );
  assert.deepEqual(found, { ok: true, command: "C:\\tools\\sidecar-lsp.exe", source: "path" });
});

test("configured paths expand ~, ${workspaceFolder} and relative folders", () => {
  assert.equal(expandConfiguredPath("~/bin/sidecar-lsp", "/home/dev", undefined), "/home/dev/bin/sidecar-lsp");
  assert.equal(
    expandConfiguredPath("${workspaceFolder}/target/debug/sidecar-lsp", "/home/dev", "/work/repo"),
    "/work/repo/target/debug/sidecar-lsp",
  );
  assert.equal(
    expandConfiguredPath("target/debug/sidecar-lsp", "/home/dev", "/work/repo"),
    "/work/repo/target/debug/sidecar-lsp",
  );
  assert.equal(expandConfiguredPath("  /opt/sidecar-lsp ", "/home/dev", "/work/repo"), "/opt/sidecar-lsp");
});
