// The Sidecar LSP extension: starts the `sidecar-lsp` language server for JSON and YAML files,
// answers its `workspace/configuration` requests from the contributed settings, and shows the
// rendered Pod in a read-only document beside the spec.

import * as vscode from "vscode";
import {
  type ConfigurationParams,
  type ConfigurationRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";

import { PodPreview, RENDER_POD, type RenderResult } from "./preview";
import type { Pos } from "./previewUri";
import { processInput, resolveServer, type ServerResolution } from "./serverPath";
import { SECTION, toServerSettings } from "./settings";

const LANGUAGES = ["json", "jsonc", "yaml"];

let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
let preview: PodPreview;
let extensionUri: vscode.Uri;
/** Serialises starts and stops, so that a restart never races a settings change. */
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionUri = context.extensionUri;
  output = vscode.window.createOutputChannel("Sidecar LSP");
  preview = new PodPreview(renderPod);
  context.subscriptions.push(
    output,
    preview,
    vscode.commands.registerCommand("sidecarLsp.previewRenderedPod", previewActiveEditor),
    vscode.commands.registerCommand("sidecarLsp.restartServer", () => queue(restart)),
    vscode.commands.registerCommand("sidecarLsp.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server`)) {
        void queue(restart);
      } else if (e.affectsConfiguration(SECTION)) {
        void notifyConfigurationChange();
      }
    }),
  );
  await queue(start);
}

export async function deactivate(): Promise<void> {
  await queue(stop);
}

function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step).catch((e) => {
    output.appendLine(`[client] ${e instanceof Error ? e.message : String(e)}`);
  });
  return lifecycle;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  void vscode.commands.executeCommand("setContext", "sidecarLsp.serverRunning", false);
  if (running !== undefined && running.needsStop()) {
    await running.stop(5000);
  }
  await running?.dispose();
}

async function start(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>("server.path", "");
  const found = resolveServer(
    processInput(configured, extensionUri.fsPath, folder?.scheme === "file" ? folder.fsPath : undefined),
  );
  if (!found.ok) {
    reportMissingServer(found);
    return;
  }
  output.appendLine(`[client] starting ${found.command} (found by ${describeSource(found.source)})`);
  const serverOptions: ServerOptions = {
    command: found.command,
    args: ["serve"],
    options: { env: { ...process.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // Configuration changes are sent by notifyConfigurationChange (not `synchronize`), so that
    // none races a restart.
    middleware: {
      workspace: {
        configuration: (params, token, next) => answerConfiguration(params, token, next),
      },
      executeCommand: async (command, args, next) => {
        // The server's "Preview rendered Pod" lens and code action land here: show our
        // virtual document instead of asking the server to write a file and open it.
        const target = command === RENDER_POD ? lensTarget(args) : undefined;
        if (target !== undefined) {
          await preview.open(target.uri, target.position);
          return undefined;
        }
        return next(command, args);
      },
    },
  };
  const next = new LanguageClient(SECTION, "Sidecar LSP", serverOptions, clientOptions);
  next.onDidChangeState((e) => {
    void vscode.commands.executeCommand(
      "setContext",
      "sidecarLsp.serverRunning",
      e.newState === State.Running,
    );
  });
  client = next;
  try {
    await next.start();
    // Previews shown before the server ran (restored with the window, or after a restart).
    preview.refreshAll();
  } catch (e) {
    output.appendLine(`[client] the server did not start: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window
      .showErrorMessage(
        `Sidecar LSP: ${found.command} did not start. See the output for details.`,
        "Show Output",
      )
      .then((choice) => choice && output.show(true));
  }
}

/** Tell the server its settings changed (it pulls them again), then render the previews anew. */
async function notifyConfigurationChange(): Promise<void> {
  const running = client;
  if (running === undefined || !running.isRunning()) {
    return;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  try {
    await running.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: toServerSettings((key) => config.get(key)) },
    });
  } catch (e) {
    output.appendLine(`[client] could not send the new settings: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  setTimeout(() => preview.refreshAll(), 300);
}

/** Answer `workspace/configuration`: our section from the contributed settings. */
function answerConfiguration(
  params: ConfigurationParams,
  token: vscode.CancellationToken,
  next: ConfigurationRequest.HandlerSignature,
): ReturnType<ConfigurationRequest.HandlerSignature> {
  if (!params.items.every((item) => item.section === SECTION)) {
    return next(params, token);
  }
  return params.items.map((item) => {
    const scope = item.scopeUri === undefined ? undefined : vscode.Uri.parse(item.scopeUri);
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    return toServerSettings((key) => config.get(key));
  });
}

/** The `{uri, position}` a lens or code action passes to `sidecar-lsp.renderPod`. */
function lensTarget(args: unknown[]): { uri: vscode.Uri; position?: Pos } | undefined {
  const first = args[0];
  if (first === null || typeof first !== "object") {
    return undefined;
  }
  const { uri, position } = first as { uri?: unknown; position?: Partial<Pos> };
  if (typeof uri !== "string") {
    return undefined;
  }
  const valid =
    position !== undefined &&
    Number.isInteger(position.line) &&
    Number.isInteger(position.character);
  return {
    uri: client?.protocol2CodeConverter.asUri(uri) ?? vscode.Uri.parse(uri),
    position: valid ? { line: position.line!, character: position.character! } : undefined,
  };
}

async function renderPod(source: string, position: Pos | undefined): Promise<RenderResult> {
  const running = client;
  if (running === undefined || !running.isRunning()) {
    throw new Error("the sidecar-lsp server is not running");
  }
  const argument: Record<string, unknown> = {
    uri: running.code2ProtocolConverter.asUri(vscode.Uri.parse(source)),
  };
  if (position !== undefined) {
    argument.position = position;
  }
  const result = (await running.sendRequest(ExecuteCommandRequest.type, {
    command: RENDER_POD,
    arguments: [argument],
  })) as RenderResult | null;
  if (result === null || typeof result.text !== "string") {
    throw new Error("the server gave no rendering");
  }
  return result;
}

async function previewActiveEditor(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !LANGUAGES.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage(
      "Sidecar LSP: open a JSON or YAML sidecar spec to preview the Pod it renders to.",
    );
    return;
  }
  const { line, character } = editor.selection.active;
  await preview.open(editor.document.uri, { line, character });
}

function describeSource(source: "setting" | "bundled" | "path"): string {
  switch (source) {
    case "setting":
      return "the sidecarLsp.server.path setting";
    case "bundled":
      return "the binary bundled with the extension";
    case "path":
      return "PATH";
  }
}

/** The extension's README (packaging lowercases its name). */
async function readmeUri(): Promise<vscode.Uri> {
  for (const name of ["README.md", "readme.md"]) {
    const uri = vscode.Uri.joinPath(extensionUri, name);
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // Try the other spelling.
    }
  }
  return vscode.Uri.joinPath(extensionUri, "README.md");
}

function reportMissingServer(found: Extract<ServerResolution, { ok: false }>): void {
  output.appendLine(`[client] ${found.reason} Looked at: ${found.tried.join(", ")}`);
  const openSettings = "Open Settings";
  const install = "Install Instructions";
  void vscode.window
    .showErrorMessage(
      `Sidecar LSP: ${found.reason} Install it (cargo install --path server in the sidecar-lsp repository) or set sidecarLsp.server.path.`,
      openSettings,
      install,
    )
    .then(async (choice) => {
      if (choice === openSettings) {
        await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server.path`);
      } else if (choice === install) {
        await vscode.commands.executeCommand("markdown.showPreview", await readmeUri());
      }
    });
}
