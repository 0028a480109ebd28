// "Preview Rendered Pod": a read-only virtual document beside the spec, filled by the server's
// `sidecar-lsp.renderPod` command and refreshed (debounced) as the spec is edited.

import * as vscode from "vscode";

import {
  fromPreviewUri,
  PREVIEW_SCHEME,
  type Pos,
  type PreviewTarget,
  shiftPosition,
  toPreviewUri,
} from "./previewUri";

/** The server command that renders a workload. */
export const RENDER_POD = "sidecar-lsp.renderPod";

/** What `sidecar-lsp.renderPod` answers. */
export interface RenderResult {
  language: string;
  text: string;
  ok: boolean;
}

/** Runs `sidecar-lsp.renderPod` on the server (or throws when no server is running). */
export type Render = (source: string, position: Pos | undefined) => Promise<RenderResult>;

/** How long edits must pause before an open preview is rendered again. */
const REFRESH_DELAY_MS = 250;

/** The content provider for `sidecar-pod:` documents, and the previews that are open. */
export class PodPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Open previews by URI string: the spec they show and the workload's current position. */
  private readonly previews = new Map<string, { uri: vscode.Uri; target: PreviewTarget }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly render: Render) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.sourceChanged(e)),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === PREVIEW_SCHEME) {
          this.forget(doc.uri.toString());
        }
      }),
      this.changed,
    );
  }

  /** Open (or bring forward) the preview of the workload at `position` in `source`. */
  async open(source: vscode.Uri, position: Pos | undefined): Promise<vscode.TextEditor> {
    const sourceKey = source.toString();
    let existing: vscode.Uri | undefined;
    for (const { uri, target } of this.previews.values()) {
      if (target.source === sourceKey) {
        existing = uri;
        target.position = position;
      }
    }
    const uri =
      existing ?? vscode.Uri.from(toPreviewUri({ source: sourceKey, position }));
    if (existing === undefined) {
      this.previews.set(uri.toString(), { uri, target: { source: sourceKey, position } });
    } else {
      this.changed.fire(uri);
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== "yaml") {
      await vscode.languages.setTextDocumentLanguage(doc, "yaml");
    }
    const sourceEditor = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === sourceKey,
    );
    return vscode.window.showTextDocument(doc, {
      viewColumn: sourceEditor?.viewColumn === vscode.ViewColumn.Two
        ? vscode.ViewColumn.One
        : vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: false,
    });
  }

  /** Render every open preview again (after a server restart or a settings change). */
  refreshAll(): void {
    for (const { uri } of this.previews.values()) {
      this.changed.fire(uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.previews.get(uri.toString());
    const target = known?.target ?? fromPreviewUri(uri);
    if (target === undefined) {
      return "# Not a rendered-Pod preview address.\n";
    }
    if (known === undefined) {
      // Reopened from an earlier session: follow the spec's edits from now on.
      this.previews.set(uri.toString(), { uri, target: { ...target } });
    }
    try {
      const result = await this.render(target.source, target.position);
      return result.text.endsWith("\n") ? result.text : `${result.text}\n`;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return (
        `# The Pod could not be rendered: ${oneLine(message)}\n` +
        "# Open the spec in an editor (the server renders open documents), then edit it or run\n" +
        '# "Sidecar: Preview Rendered Pod" again.\n'
      );
    }
  }

  private sourceChanged(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0 || e.document.uri.scheme === PREVIEW_SCHEME) {
      return;
    }
    const source = e.document.uri.toString();
    for (const [key, { uri, target }] of this.previews) {
      if (target.source !== source) {
        continue;
      }
      if (target.position !== undefined) {
        // The ranges of one batch are all in the coordinates before it: taken from the bottom
        // up (as VS Code lists them), each still holds when its turn comes.
        const changes = [...e.contentChanges].sort(
          (a, b) => b.rangeOffset - a.rangeOffset,
        );
        target.position = shiftPosition(target.position, changes);
      }
      clearTimeout(this.timers.get(key));
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.changed.fire(uri);
        }, REFRESH_DELAY_MS),
      );
    }
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.previews.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.previews.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
