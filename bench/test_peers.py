"""Unit tests of the benchmark driver's plumbing (no servers started): `python3 -m unittest
bench/test_peers.py`."""

import io
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402


class Framing(unittest.TestCase):
    def test_a_message_reads_back_as_written(self):
        message = {"jsonrpc": "2.0", "id": 3, "result": {"text": "é ✓"}}
        stream = io.BytesIO(peers.encode(message) + peers.encode({"jsonrpc": "2.0", "id": 4}))
        self.assertEqual(peers.read_message(stream), message)
        self.assertEqual(peers.read_message(stream)["id"], 4)
        self.assertIsNone(peers.read_message(stream))

    def test_extra_headers_are_skipped(self):
        body = b'{"id":1}'
        raw = b"Content-Type: application/vscode-jsonrpc\r\nContent-Length: 8\r\n\r\n" + body
        self.assertEqual(peers.read_message(io.BytesIO(raw)), {"id": 1})

    def test_a_cut_body_ends_the_stream(self):
        self.assertIsNone(peers.read_message(io.BytesIO(b"Content-Length: 10\r\n\r\n{}")))


class Settings(unittest.TestCase):
    settings = {"yaml": {"validate": True, "schemas": {}}, "editor": {"tabSize": 2},
                "[yaml]": {"x": 1}}

    def test_dotted_sections_resolve(self):
        self.assertEqual(peers.lookup(self.settings, "yaml")["validate"], True)
        self.assertEqual(peers.lookup(self.settings, "editor.tabSize"), 2)
        self.assertEqual(peers.lookup(self.settings, "[yaml]"), {"x": 1})

    def test_unknown_sections_are_null(self):
        self.assertIsNone(peers.lookup(self.settings, "http.proxy"))
        self.assertIsNone(peers.lookup(self.settings, "sidecarLsp"))


class Statistics(unittest.TestCase):
    def test_percentiles_pick_nearest_rank(self):
        samples = [float(n) for n in range(1, 101)]
        self.assertEqual(peers.percentile(samples, 0.5), 51.0)
        self.assertEqual(peers.percentile(samples, 0.99), 99.0)
        self.assertEqual(peers.percentile([7.0], 0.99), 7.0)

    def test_formatting(self):
        self.assertEqual(peers.fmt_seconds(1.5), "1.50 s")
        self.assertEqual(peers.fmt_seconds(0.0123), "12 ms")
        self.assertEqual(peers.fmt_seconds(0.00042), "0.42 ms")
        self.assertEqual(peers.fmt_ratio(1.0, 0.002), "500×")
        self.assertEqual(peers.fmt_ratio(0.005, 0.002), "2.5×")


class Inputs(unittest.TestCase):
    text = "kind: Pod\nspec:\n  containers:\n    - name: app\n      image: nginx\n" \
           "    - name: proxy\n      image: envoy\n"

    def test_cursor_positions(self):
        self.assertEqual(peers.name_value(self.text), (3, 12))
        self.assertEqual(peers.image_key(self.text, last=False), (4, 8))
        self.assertEqual(peers.image_key(self.text, last=True), (6, 8))

    def test_multi_document_files_are_split_for_check_jsonschema(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            stream = tmp / "stream.yaml"
            stream.write_text("# header\n---\nkind: A\n---\nkind: B\n--- \n# only a comment\n")
            single = tmp / "one.yaml"
            single.write_text("kind: C\n")
            pieces = peers.split_documents([str(stream), str(single)], tmp / "out")
            self.assertEqual(len(pieces), 3)
            self.assertEqual(Path(pieces[0]).read_text(), "kind: A\n")
            self.assertEqual(Path(pieces[1]).read_text(), "kind: B\n")
            self.assertEqual(pieces[2], str(single))


if __name__ == "__main__":
    unittest.main()
