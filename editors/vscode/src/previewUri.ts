// The rendered-Pod preview's address: a `sidecar-pod:` URI that names the spec and the position
// of the workload in it, and keeps that position in step with edits above it. No `vscode`
// import: unit-tested under plain Node.

/** The URI scheme of preview documents. */
export const PREVIEW_SCHEME = "sidecar-pod";

/** A zero-based line and UTF-16 character, as in LSP and VS Code. */
export interface Pos {
  line: number;
  character: number;
}

/** What a preview shows: the workload at `position` of the spec at `source` (a URI string). */
export interface PreviewTarget {
  source: string;
  position?: Pos;
}

/** The parts of a URI the preview needs (`vscode.Uri.from` takes the same). */
export interface UriParts {
  scheme: string;
  path: string;
  query: string;
}

/**
 * The preview URI for a target. The path ends in the spec's name and `.rendered.yaml`, so the tab
 * reads well and VS Code highlights the text as YAML; the query holds the target.
 */
export function toPreviewUri(target: PreviewTarget): UriParts {
  const name = baseName(target.source) || "spec";
  const query = new URLSearchParams({ source: target.source });
  if (target.position !== undefined) {
    query.set("line", String(target.position.line));
    query.set("character", String(target.position.character));
  }
  return { scheme: PREVIEW_SCHEME, path: `/${name}.rendered.yaml`, query: query.toString() };
}

/** The target a preview URI was made for, or `undefined` for a foreign or broken URI. */
export function fromPreviewUri(uri: UriParts): PreviewTarget | undefined {
  if (uri.scheme !== PREVIEW_SCHEME) {
    return undefined;
  }
  const query = new URLSearchParams(uri.query);
  const source = query.get("source");
  if (source === null || source === "") {
    return undefined;
  }
  const line = wholeNumber(query.get("line"));
  const character = wholeNumber(query.get("character"));
  if (line === undefined || character === undefined) {
    return { source };
  }
  return { source, position: { line, character } };
}

/** One edit of a document, as VS Code reports it (`TextDocumentContentChangeEvent`). */
export interface Change {
  range: { start: Pos; end: Pos };
  text: string;
}

/**
 * Where `position` is after `changes` (applied in order, each on the result of the last): edits
 * before it move it, an edit around it moves it to the edit's start, edits after it leave it.
 */
export function shiftPosition(position: Pos, changes: readonly Change[]): Pos {
  let pos = position;
  for (const { range, text } of changes) {
    const { start, end } = range;
    if (before(pos, start)) {
      continue;
    }
    if (before(pos, end)) {
      pos = start;
      continue;
    }
    const lines = text.split(/\r\n|\r|\n/);
    const addedLines = lines.length - 1;
    const lastLength = lines[lines.length - 1].length;
    const line = pos.line - (end.line - start.line) + addedLines;
    let character = pos.character;
    if (pos.line === end.line) {
      const afterEdit = pos.character - end.character;
      character = (addedLines === 0 ? start.character : 0) + lastLength + afterEdit;
    }
    pos = { line, character };
  }
  return pos;
}

function before(a: Pos, b: Pos): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function baseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, "").replace(/^[a-z][a-z0-9+.-]*:/i, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function wholeNumber(text: string | null): number | undefined {
  if (text === null || !/^\d{1,9}$/.test(text)) {
    return undefined;
  }
  return Number(text);
}
