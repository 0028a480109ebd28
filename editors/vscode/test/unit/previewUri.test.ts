import assert from "node:assert/strict";
import { test } from "node:test";

import { fromPreviewUri, shiftPosition, toPreviewUri } from "../../src/previewUri";

test("a preview URI names the spec and round-trips its target", () => {
  const target = {
    source: "file:///work/specs/my%20algo%23v2.json",
    position: { line: 12, character: 4 },
  };
  const uri = toPreviewUri(target);
  assert.equal(uri.scheme, "sidecar-pod");
  assert.equal(uri.path, "/my algo#v2.json.rendered.yaml");
  assert.deepEqual(fromPreviewUri(uri), target);
});

test("a preview without a position renders every workload", () => {
  const uri = toPreviewUri({ source: "untitled:Untitled-1" });
  assert.equal(uri.path, "/Untitled-1.rendered.yaml");
  assert.deepEqual(fromPreviewUri(uri), { source: "untitled:Untitled-1" });
});

test("foreign or broken URIs are not previews", () => {
  assert.equal(fromPreviewUri({ scheme: "file", path: "/a.yaml", query: "source=x" }), undefined);
  assert.equal(fromPreviewUri({ scheme: "sidecar-pod", path: "/a.yaml", query: "" }), undefined);
  assert.deepEqual(
    fromPreviewUri({ scheme: "sidecar-pod", path: "/a.yaml", query: "source=s&line=-1&character=2" }),
    { source: "s" },
  );
});

const at = (line: number, character: number) => ({ line, character });
const edit = (start: [number, number], end: [number, number], text: string) => ({
  range: { start: at(...start), end: at(...end) },
  text,
});

test("edits after the workload leave its position alone", () => {
  assert.deepEqual(shiftPosition(at(5, 4), [edit([9, 0], [9, 3], "x\ny\n")]), at(5, 4));
  assert.deepEqual(shiftPosition(at(5, 4), [edit([5, 6], [5, 6], "abc")]), at(5, 4));
});

test("lines inserted or deleted above move it down or up", () => {
  assert.deepEqual(shiftPosition(at(5, 4), [edit([1, 0], [1, 0], "a\nb\n")]), at(7, 4));
  assert.deepEqual(shiftPosition(at(5, 4), [edit([1, 0], [3, 0], "")]), at(3, 4));
});

test("an edit earlier on its line moves its character", () => {
  assert.deepEqual(shiftPosition(at(5, 10), [edit([5, 2], [5, 4], "abcdef")]), at(5, 14));
  // A line break typed before it carries the rest of the line to the next line.
  assert.deepEqual(shiftPosition(at(5, 10), [edit([5, 2], [5, 2], "\n  ")]), at(6, 10));
});

test("an edit that swallows it moves it to the edit's start", () => {
  assert.deepEqual(shiftPosition(at(5, 4), [edit([4, 0], [7, 0], "")]), at(4, 0));
});

test("a batch listed bottom-up applies in order", () => {
  const batch = [edit([8, 0], [8, 0], "z\n"), edit([2, 0], [2, 0], "a\n")];
  assert.deepEqual(shiftPosition(at(5, 1), batch), at(6, 1));
});
