// End-to-end test of the packaged extension in a real VS Code: code-server (the VS Code web
// workbench with its Node extension host) bound to 127.0.0.1, with the .vsix installed and the
// sidecar-lsp server from this repository, driven by Debian's Chromium through playwright-core.
//
//   node test/e2e/run.mjs --code-server BIN --vsix FILE --server BIN [--out DIR] [--chromium BIN]
//
// Every run gets fresh user data, extensions, XDG folders and a copy of test/fixtures/workspace in
// DIR/run-*/ (DIR defaults to build/e2e and is emptied first); screenshots land in DIR. Prints
// "N passed, N failed".

import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const codeServer = resolve(required("code-server"));
const vsix = resolve(required("vsix"));
const server = resolve(required("server"));
const out = resolve(args.out ?? join(here, "..", "..", "build", "e2e"));
const chromiumPath = args.chromium ?? "/usr/bin/chromium";
for (const [what, file] of [["code-server", codeServer], ["vsix", vsix], ["server", server], ["chromium", chromiumPath]]) {
  if (!existsSync(file)) {
    fail(`--${what} ${file} does not exist`);
  }
}
const SPEC = "thumbnailer.json";
/** The editors under test, by their `data-uri`: the spec, and the rendered-Pod preview. */
const SPEC_EDITOR = `[data-uri$="/algorithms/${SPEC}"]`;
const PREVIEW_EDITOR = '[data-uri^="sidecar-pod:"]';
const DUPLICATE = "Sidecar container names must be unique!";

const started = Date.now();
const log = (message) => console.log(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

// Start clean: the screenshots and logs of earlier runs go.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const run = mkdtempSync(join(out, "run-"));
const userData = join(run, "user-data");
const extensions = join(run, "extensions");
const home = join(run, "home");
const workspace = join(run, "workspace");
cpSync(join(here, "..", "fixtures", "workspace"), workspace, { recursive: true });
mkdirSync(join(userData, "User"), { recursive: true });
writeFileSync(
  join(userData, "User", "settings.json"),
  JSON.stringify(
    {
      // Nothing that phones home, nothing that gets in the way of the checks.
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "extensions.ignoreRecommendations": true,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "workbench.enableExperiments": false,
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "chat.disableAIFeatures": true,
      "security.workspace.trust.enabled": false,
      "git.enabled": false,
      "json.schemaDownload.enable": false,
      "editor.minimap.enabled": false,
      "editor.hover.delay": 150,
      "workbench.colorTheme": "Default Light Modern",
      // The server under test.
      "sidecarLsp.server.path": server,
      "sidecarLsp.trace.server": "messages",
    },
    null,
    2,
  ),
);
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(home, "config"),
  XDG_DATA_HOME: join(home, "data"),
  XDG_CACHE_HOME: join(home, "cache"),
  // An empty gallery: no marketplace requests.
  EXTENSIONS_GALLERY: "{}",
};
const dirs = ["--user-data-dir", userData, "--extensions-dir", extensions];

log(`run folder ${run}`);
const install = spawnSync(codeServer, [...dirs, "--install-extension", vsix], {
  env,
  encoding: "utf8",
  timeout: 120_000,
});
if (install.status !== 0 || !/successfully installed/i.test(install.stdout)) {
  console.error(install.stdout, install.stderr);
  fail("the .vsix did not install");
}
log(install.stdout.trim().split("\n").pop());

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const serverLog = openSync(join(run, "code-server.log"), "w");
const cs = spawn(
  codeServer,
  [
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    ...dirs,
    "--bind-addr", `127.0.0.1:${port}`,
    workspace,
  ],
  { env, detached: true, stdio: ["ignore", serverLog, serverLog] },
);
let context;
const stopAll = async () => {
  await context?.close().catch(() => {});
  try {
    process.kill(-cs.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => void stopAll().then(() => process.exit(130)));
}
const watchdog = setTimeout(() => {
  console.error("the end-to-end test took longer than 6 minutes");
  void stopAll().then(() => process.exit(2));
}, 360_000);

const results = [];
try {
  await waitForHealth(base);
  log(`code-server listening on ${base}`);
  context = await chromium.launchPersistentContext(join(run, "chromium-profile"), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1800, height: 1000 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    env: { ...process.env, XDG_CONFIG_HOME: join(run, "chromium-config"), XDG_CACHE_HOME: join(run, "chromium-cache") },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const outside = [];
  // A request to another host counts unless the webview's service worker answered it (VS Code
  // serves webview resources from *.vscode-cdn.net addresses that never reach the network).
  const elsewhere = (request) => {
    const url = new URL(request.url());
    return /^https?:$/.test(url.protocol) && url.hostname !== "127.0.0.1";
  };
  page.on("requestfailed", (request) => {
    if (elsewhere(request)) {
      outside.push(`${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on("response", (response) => {
    if (elsewhere(response.request()) && !response.fromServiceWorker()) {
      outside.push(response.url());
    }
  });
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
  await runChecks(page, outside);
} catch (e) {
  results.push({ name: "setup", ok: false, error: e });
  console.error(e);
} finally {
  clearTimeout(watchdog);
  await stopAll();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
log(`screenshots in ${out}, logs in ${run}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

async function runChecks(page, outside) {
  await check("the workbench loads", page, async () => {
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".part.sidebar").waitFor({ timeout: 30_000 });
    // Room for the spec, its code lenses and the preview side by side.
    await runCommand(page, "View: Toggle Primary Side Bar Visibility");
    await page.locator(".part.sidebar").waitFor({ state: "hidden", timeout: 10_000 });
  });

  await check("the spec opens and the extension starts the server", page, async () => {
    await quickOpen(page, SPEC);
    await editorText(page, SPEC_EDITOR, (text) => text.includes('"sideCars"'), 30_000);
  });

  await check("the duplicate sidecar name is in the Problems panel", page, async () => {
    await runCommand(page, "Problems: Focus on Problems View");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: DUPLICATE });
    await row.first().waitFor({ timeout: 30_000 });
    const text = await row.first().innerText();
    assert(/H301/.test(text), `the problem names its rule: ${text}`);
    await shot(page, "problems");
  });

  await check("hover on imagePullPolicy explains the field", page, async () => {
    await page.keyboard.press("Escape");
    await focusEditor(page, SPEC_EDITOR);
    const token = editor(page, SPEC_EDITOR).locator(".view-line span", { hasText: '"imagePullPolicy"' }).last();
    await token.hover();
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "imagePullPolicy" });
    await hover.first().waitFor({ timeout: 15_000 });
    const text = await hover.first().innerText();
    assert(text.includes("sideCars[0].container.imagePullPolicy"), `the hover names the field: ${text}`);
    assert(/Default:\s*IfNotPresent/.test(text), `the hover gives the default the tag implies: ${text}`);
    assert(/Always/.test(text) && /Never/.test(text), `the hover lists the policies: ${text}`);
    await page.waitForTimeout(500); // let it fade in
    await shot(page, "hover");
    await page.mouse.move(5, 5);
  });

  await check("Sidecar: Preview Rendered Pod shows why the Pod cannot be rendered", page, async () => {
    await page.keyboard.press("Escape");
    await focusEditor(page, SPEC_EDITOR);
    await runCommand(page, "Sidecar: Preview Rendered Pod");
    const text = await editorText(page, PREVIEW_EDITOR, (t) => t.includes(DUPLICATE), 20_000);
    assert(!/kind: Job/.test(text), "no Job is rendered from a rejected spec");
    await shot(page, "preview-rejected");
  });

  await check("the preview follows the edit that fixes the spec", page, async () => {
    await focusEditor(page, SPEC_EDITOR);
    // Line 17 is the second `"name": "log-shipper",`; column 18 is its first letter.
    await runCommand(page, "Go to Line/Column", ":17:18");
    for (let i = 0; i < "log-shipper".length; i++) {
      await page.keyboard.press("Shift+ArrowRight");
    }
    await page.keyboard.type("metrics-agent");
    const text = await editorText(page, PREVIEW_EDITOR, (t) => /kind: Job/.test(t), 20_000);
    assert(text.includes("name: thumbnailer-xxxxx"), `the Job is HKube's: ${text.slice(0, 400)}`);
    // The workspace's .vscode/settings.json reached the server through workspace/configuration.
    assert(text.includes("# Kubernetes 1.33"), `rendered for the workspace's Kubernetes version: ${text.slice(0, 400)}`);
    await runCommand(page, "Problems: Focus on Problems View");
    await page
      .locator(".markers-panel .monaco-list-row", { hasText: DUPLICATE })
      .first()
      .waitFor({ state: "detached", timeout: 15_000 });
    await shot(page, "preview");
    // The renamed sidecar is further down the rendered Job.
    await focusEditor(page, PREVIEW_EDITOR);
    await runCommand(page, "Go to Line/Column", ":60:1");
    const lower = await editorText(page, PREVIEW_EDITOR, (t) => t.includes("name: metrics-agent"), 10_000);
    assert(lower.includes("registry.example.com/tools/metrics-agent:0.9.4"), "the sidecar's image is rendered");
    await shot(page, "preview-sidecars");
  });

  await check("the Preview rendered Pod code lens opens the same preview", page, async () => {
    // Close the preview (its tab's close button), then open it again from the lens.
    await page.locator(".tab", { hasText: ".rendered.yaml" }).locator(".codicon-close").click();
    await editor(page, PREVIEW_EDITOR).waitFor({ state: "detached", timeout: 10_000 });
    const lens = editor(page, SPEC_EDITOR).locator(".codelens-decoration a", { hasText: "Preview rendered Pod" });
    await lens.first().waitFor({ timeout: 20_000 });
    await lens.first().click();
    const text = await editorText(page, PREVIEW_EDITOR, (t) => /kind: Job/.test(t), 20_000);
    assert(text.includes("# HKube"), `the preview has the render header: ${text.slice(0, 200)}`);
    // Routed to the virtual document: the server wrote no preview file of its own.
    const previews = join(home, "cache", "sidecar-lsp", "previews");
    assert(!existsSync(previews) || readdirSync(previews).length === 0, `files in ${previews}`);
    await shot(page, "code-lens-preview");
  });

  await check("YAML too: a KubeVela sidecar trait without an image is reported", page, async () => {
    await quickOpen(page, "checkout.yaml");
    await runCommand(page, "Problems: Focus on Problems View");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "V402" });
    await row.first().waitFor({ timeout: 30_000 });
    const text = await row.first().innerText();
    assert(text.includes("parameter.image"), `the trait's missing image: ${text}`);
    await shot(page, "yaml-kubevela");
    // Back to the spec for the checks that follow.
    await quickOpen(page, SPEC);
  });

  await check("completion inside a container offers its fields", page, async () => {
    await focusEditor(page, SPEC_EDITOR);
    // End of line 18 (the second sidecar's image), then a new key.
    await runCommand(page, "Go to Line/Column", ":18:200");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type('"');
    await page.keyboard.press("Control+Space");
    const widget = page.locator(".suggest-widget.visible");
    await widget.waitFor({ timeout: 15_000 });
    const labels = await widget.locator(".monaco-list-row").allInnerTexts();
    const all = labels.join("\n");
    for (const field of ["livenessProbe", "ports"]) {
      assert(all.includes(field) || (await hasSuggestion(page, field)), `completion offers ${field}: ${all}`);
    }
    const offered = labels.map((l) => l.split(/\s/)[0]);
    assert(!offered.includes("name") && !offered.includes("image"), `no key the container already has: ${offered.join(", ")}`);
    await shot(page, "completion");
    await page.keyboard.press("Escape");
  });

  await check("Sidecar: Restart Server and Sidecar: Show Output", page, async () => {
    await runCommand(page, "Sidecar: Restart Server");
    await runCommand(page, "Sidecar: Show Output");
    const channel = page.locator(".part.panel select.monaco-select-box").first();
    await waitFor(
      async () => (await channel.evaluate((e) => e.options[e.selectedIndex]?.text)) === "Sidecar LSP",
      10_000,
      "the Output panel to show the Sidecar LSP channel",
    );
    // The channel's log file has everything (the panel shows only its visible lines).
    let text = "";
    await waitFor(
      async () => {
        text = outputChannelLog();
        return (text.match(/\[client\] starting /g) ?? []).length >= 2;
      },
      20_000,
      () => `two server starts in the output channel; it has:\n${text.slice(0, 600)}`,
    );
    assert(text.includes(`[client] starting ${server} (found by the sidecarLsp.server.path setting)`), "the output names the binary");
    await shot(page, "output");
  });

  await check("a missing server binary gets an actionable message", page, async () => {
    // Point the setting at nothing, in the Settings editor: the extension restarts and cannot
    // find the server.
    await runCommand(page, "Preferences: Open Settings (UI)");
    const search = page.locator(".settings-editor .suggest-input-container .view-lines");
    await search.waitFor({ timeout: 15_000 });
    await page.keyboard.type("sidecarLsp.server.path");
    const field = page
      .locator(".settings-editor .setting-item-contents", { hasText: "Path to the" })
      .locator("input")
      .first();
    await field.waitFor({ timeout: 15_000 });
    await field.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.type(join(run, "no-such-dir", "sidecar-lsp"));
    await page.keyboard.press("Enter");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "sidecarLsp.server.path" });
    await toast.first().waitFor({ timeout: 20_000 });
    const text = await toast.first().innerText();
    assert(text.includes("no-such-dir/sidecar-lsp") && text.includes("cargo install"), `the message says what and how: ${text}`);
    assert(text.split("no-such-dir").length === 2, `the message names the path once: ${text}`);
    for (const button of ["Open Settings", "Install Instructions"]) {
      assert(await toast.first().locator(".monaco-button", { hasText: button }).count() === 1, `a ${button} button`);
    }
    await page.waitForTimeout(600); // let it fade in
    await shot(page, "server-missing");
    // Its button opens the Settings editor on the setting (close the one we used first).
    await page.locator(".tab", { hasText: "Settings" }).locator(".codicon-close").click();
    await page.locator(".settings-editor").waitFor({ state: "detached", timeout: 10_000 });
    await toast.first().locator(".monaco-button", { hasText: "Open Settings" }).click();
    await waitFor(
      async () => (await search.innerText()).includes("sidecarLsp.server.path"),
      15_000,
      "the Settings editor searching for the setting",
    );
    await page.locator(".settings-editor .setting-item-contents", { hasText: "Path to the" }).first().waitFor({ timeout: 10_000 });
    await shot(page, "server-missing-settings");
    // Restarting finds no server again; the other button opens the extension's README.
    await runCommand(page, "Sidecar: Restart Server");
    await toast.first().waitFor({ timeout: 20_000 });
    await toast.first().locator(".monaco-button", { hasText: "Install Instructions" }).click();
    await page.locator(".tab", { hasText: /Preview (README|readme)\.md/ }).first().waitFor({ timeout: 20_000 });
    // The preview is a webview: look for the install section in its frames.
    await waitFor(
      async () => {
        for (const frame of page.frames()) {
          const shown = await frame.locator("h2", { hasText: "Getting the server" }).count().catch(() => 0);
          if (shown > 0 && (await frame.locator("code", { hasText: "cargo install --path server" }).count()) > 0) {
            return true;
          }
        }
        return false;
      },
      20_000,
      "the README's install instructions in the Markdown preview",
    );
    await page.waitForTimeout(500); // let the webview paint
    await shot(page, "install-instructions");
  });

  await check("no request left 127.0.0.1", page, async () => {
    assert(outside.length === 0, `requests to other hosts: ${outside.join(", ")}`);
  });
}

/** The text of the Sidecar LSP output channel, from the log file VS Code keeps of it. */
function outputChannelLog() {
  const files = readdirSync(join(userData, "logs"), { recursive: true }).filter((f) =>
    String(f).endsWith("Sidecar LSP.log"),
  );
  return files.map((f) => readFileSync(join(userData, "logs", String(f)), "utf8")).join("\n");
}

/** Run one named check: record it, and keep a screenshot of a failure. */
async function check(name, page, body) {
  const t = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    log(`PASS ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
    await shot(page, `failed-${results.length}`).catch(() => {});
  }
}

/** The editor matching `which` (an attribute selector on its `data-uri`). */
function editor(page, which) {
  return page.locator(`.editor-instance .monaco-editor${which}`).first();
}

/** Focus the spec or the preview by clicking its tab (which keeps its cursor and scroll). */
async function focusEditor(page, which) {
  await editor(page, which).waitFor({ timeout: 15_000 });
  const name = which === PREVIEW_EDITOR ? /\.rendered\.yaml$/ : new RegExp(`^${SPEC.replace(".", "\\.")}$`);
  await page.locator(".tab", { has: page.locator(".label-name", { hasText: name }) }).first().click();
}

/** The visible text of the editor matching `which`, once `ready` accepts it. */
async function editorText(page, which, ready, timeout) {
  let last = "";
  await waitFor(
    async () => {
      const lines = editor(page, which).locator(".view-lines");
      if ((await lines.count()) === 0) {
        return false;
      }
      last = (await lines.innerText()).replace(/\u00a0/g, " ");
      return ready(last);
    },
    timeout,
    () => `the editor ${which} to show what is expected; it shows:\n${last.slice(0, 600)}`,
  );
  return last;
}

/**
 * Open the Command Palette and type `text` into it (F1 again if a hover, a toast or a refreshed
 * editor swallowed the key or closed the palette before the text landed).
 */
async function openPalette(page, text) {
  const input = page.locator(".quick-input-widget input.input");
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("F1");
    try {
      await input.waitFor({ state: "visible", timeout: 5_000 });
      await input.fill(text, { timeout: 5_000 });
      return input;
    } catch (e) {
      if (attempt === 3) {
        throw e;
      }
      await page.keyboard.press("Escape");
    }
  }
}

async function quickOpen(page, name) {
  await openPalette(page, name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter");
  await editor(page, `[data-uri$="/${name}"]`).waitFor({ timeout: 15_000 });
}

/** Run the palette command titled exactly `title`; `then` is typed into the input it opens. */
async function runCommand(page, title, then = undefined) {
  const input = await openPalette(page, `>${title}`);
  const first = page.locator(".quick-input-list .monaco-list-row .label-name").first();
  const label = async () => (await first.innerText().catch(() => "")).replace(/\.\.\.$/, "").trim();
  await waitFor(async () => (await label()) === title, 15_000, () => `the palette to offer ${title} first`);
  await page.keyboard.press("Enter");
  if (then !== undefined) {
    await input.waitFor({ state: "visible" });
    await input.fill(then);
    await page.keyboard.press("Enter");
  }
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 });
}

async function hasSuggestion(page, label) {
  // The list is virtual: type the label's start to bring it into view, then take it back.
  await page.keyboard.type(label.slice(0, 4));
  const found = await page
    .locator(".suggest-widget.visible .monaco-list-row", { hasText: label })
    .first()
    .waitFor({ timeout: 5_000 })
    .then(() => true, () => false);
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Backspace");
  }
  await page.keyboard.press("Control+Space");
  return found;
}

async function shot(page, name) {
  await page.screenshot({ path: join(out, `${name}.png`) });
}

async function waitFor(probe, timeout, what) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await probe().catch(() => false)) {
      return;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForHealth(url) {
  await waitFor(
    async () => (await fetch(`${url}/healthz`)).ok,
    60_000,
    () => `code-server at ${url}; its log:\n${readFileSync(join(run, "code-server.log"), "utf8").slice(-2000)}`,
  );
}

function freePort() {
  return new Promise((ok, ko) => {
    const probe = createServer();
    probe.once("error", ko);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) {
      fail(`unexpected argument ${argv[i]}`);
    }
    parsed[argv[i].slice(2)] = argv[i + 1];
  }
  return parsed;
}

function required(name) {
  const value = args[name];
  if (value === undefined) {
    fail(`--${name} is required (usage: node test/e2e/run.mjs --code-server BIN --vsix FILE --server BIN [--out DIR])`);
  }
  return value;
}

function fail(message) {
  console.error(`e2e: ${message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
