//! Open documents: their text (in a rope once edits arrive, edited in place), and the latest
//! analysis of each.
//!
//! Every mutation here is synchronous. Handlers call into the store before their first `.await`,
//! so edits are applied in the order the client sent them even though handlers run concurrently.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ropey::Rope;
use tokio::sync::Notify;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::text::ColumnUnit;

/// A consistent view of one document: a text, its version, and the analysis of exactly that text.
#[derive(Clone)]
pub struct Snapshot {
    /// The client's version of the text.
    pub version: i32,
    /// The server-side revision of the text (unique across documents and re-opens).
    pub revision: u64,
    /// The text.
    pub text: Arc<str>,
    /// The analysis of `text`.
    pub analysis: Arc<Analysis>,
    /// The settings it was made under.
    pub settings: Arc<Settings>,
}

/// A revision number never handed out before.
fn next_revision() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One open document.
pub struct Document {
    /// The client's version number.
    pub version: i32,
    /// Bumped on every mutation; never reused, not even by a re-opened document.
    pub revision: u64,
    /// The file path (for `file:` URIs), used for config lookup and dialect globs.
    pub path: Option<String>,
    /// The current text as a rope, built when the first range edit arrives (an open or a
    /// whole-text change needs none, and its analysis should not wait for one).
    rope: Option<Rope>,
    /// The current text as one string: as received, or built from `rope` on demand; dropped on
    /// every range edit. At least one of `rope` and `text` is always present.
    text: Option<Arc<str>>,
    /// The latest analysis and the settings generation it was made under (its snapshot knows
    /// its revision).
    analysis: Option<(u64, Snapshot)>,
    /// Wakes the document's diagnostics worker.
    pub wake: Arc<Notify>,
    /// The analysis in flight: (revision, settings generation, its result when done).
    pub pending: Option<(u64, u64, PendingAnalysis)>,
}

/// Where an analysis in flight will post its result (`Some(None)`: it failed).
pub type PendingAnalysis = tokio::sync::watch::Receiver<Option<Option<Snapshot>>>;

impl Document {
    fn new(version: i32, path: Option<String>, text: &str) -> Self {
        Document {
            version,
            revision: next_revision(),
            path,
            rope: None,
            text: Some(Arc::from(text)),
            analysis: None,
            wake: Arc::new(Notify::new()),
            pending: None,
        }
    }

    /// The current text as one string (cached until the next edit).
    pub fn text(&mut self) -> Arc<str> {
        if let Some(text) = &self.text {
            return text.clone();
        }
        let text: Arc<str> = Arc::from(self.rope.as_ref().map(Rope::to_string).unwrap_or_default());
        self.text = Some(text.clone());
        text
    }

    /// The cached analysis, if it is of the current revision under settings generation `settings`.
    pub fn fresh_snapshot(&self, settings: u64) -> Option<Snapshot> {
        match &self.analysis {
            Some((generation, snapshot))
                if snapshot.revision == self.revision && *generation == settings =>
            {
                Some(snapshot.clone())
            }
            _ => None,
        }
    }

    /// The latest analysis installed, whatever text and settings it was made of (what the next
    /// analysis may take unchanged parts from).
    pub fn last_snapshot(&self) -> Option<Snapshot> {
        self.analysis.as_ref().map(|(_, snapshot)| snapshot.clone())
    }

    /// Apply one content change: a range edit, or the whole text when `range` is `None`.
    pub fn apply_change(&mut self, range: Option<Range>, new_text: &str, unit: ColumnUnit) {
        self.revision = next_revision();
        let Some(range) = range else {
            self.rope = None;
            self.text = Some(Arc::from(new_text));
            return;
        };
        let text = &self.text;
        let rope = self
            .rope
            .get_or_insert_with(|| Rope::from_str(text.as_deref().unwrap_or_default()));
        self.text = None;
        let start = char_index(rope, range.start, unit);
        let end = char_index(rope, range.end, unit).max(start);
        rope.remove(start..end);
        rope.insert(start, new_text);
    }
}

/// The char index in `rope` of an LSP position; lines and columns past the end are clamped.
fn char_index(rope: &Rope, position: Position, unit: ColumnUnit) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    // The line's content without its terminator.
    let mut line_chars = line_slice.len_chars();
    while line_chars > 0 && matches!(line_slice.char(line_chars - 1), '\n' | '\r') {
        line_chars -= 1;
    }
    let col = position.character as usize;
    let within = match unit {
        ColumnUnit::Char => col.min(line_chars),
        ColumnUnit::Utf16 => {
            let base = line_slice.char_to_utf16_cu(0);
            let max = line_slice.char_to_utf16_cu(line_chars) - base;
            // A column inside a surrogate pair maps to the start of that character.
            line_slice.utf16_cu_to_char(col.min(max) + base)
        }
        ColumnUnit::Utf8 => {
            let max = line_slice.char_to_byte(line_chars);
            let byte = col.min(max);
            // Move back to a character boundary.
            let mut ch = line_slice.byte_to_char(byte);
            if line_slice.char_to_byte(ch) > byte {
                ch -= 1;
            }
            ch
        }
    };
    line_start + within
}

/// Every open document, by URI.
#[derive(Default)]
pub struct DocumentStore {
    documents: Mutex<HashMap<Uri, Document>>,
}

impl DocumentStore {
    /// Lock the store (never across an `.await`).
    pub fn lock(&self) -> MutexGuard<'_, HashMap<Uri, Document>> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Open (or re-open) a document; returns its worker's wake-up handle and whether it is new.
    pub fn open(&self, uri: Uri, version: i32, text: &str) -> (Arc<Notify>, bool) {
        let path = uri.to_file_path().map(|p| p.to_string_lossy().into_owned());
        let mut documents = self.lock();
        match documents.get_mut(&uri) {
            // A second didOpen replaces the text but keeps the worker.
            Some(doc) => {
                doc.version = version;
                doc.apply_change(None, text, ColumnUnit::Utf16);
                (doc.wake.clone(), false)
            }
            None => {
                let doc = Document::new(version, path, text);
                let wake = doc.wake.clone();
                documents.insert(uri, doc);
                (wake, true)
            }
        }
    }

    /// Remove a document; returns whether it was open.
    pub fn close(&self, uri: &Uri) -> Option<Arc<Notify>> {
        self.lock().remove(uri).map(|d| d.wake)
    }

    /// Whether `uri` is open at `revision`.
    pub fn is_current(&self, uri: &Uri, revision: u64) -> bool {
        self.lock().get(uri).is_some_and(|d| d.revision == revision)
    }

    /// Store an analysis of the document's current revision; returns the one it replaces, or
    /// gives `snapshot` back when the document has moved on (or closed) since.
    pub fn install(
        &self,
        uri: &Uri,
        settings: u64,
        snapshot: Snapshot,
    ) -> Result<Option<Snapshot>, Snapshot> {
        let mut documents = self.lock();
        let Some(doc) = documents.get_mut(uri) else {
            return Err(snapshot);
        };
        if doc.revision != snapshot.revision {
            return Err(snapshot);
        }
        let replaced = doc.analysis.replace((settings, snapshot)).map(|(_, s)| s);
        // Waiters hold their own receivers; the document need not keep the result twice.
        if doc
            .pending
            .as_ref()
            .is_some_and(|(r, g, _)| *r == doc.revision && *g == settings)
        {
            doc.pending = None;
        }
        Ok(replaced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    fn edit(doc: &mut Document, from: (u32, u32), to: (u32, u32), text: &str, unit: ColumnUnit) {
        let range = Range {
            start: pos(from.0, from.1),
            end: pos(to.0, to.1),
        };
        doc.apply_change(Some(range), text, unit);
    }

    #[test]
    fn utf16_edits_after_emoji_and_cjk_land_on_the_right_characters() {
        // "😀" is two UTF-16 units, "名" one; both are several UTF-8 bytes.
        let mut doc = Document::new(1, None, "name: 😀名x\nimage: a\n");
        edit(&mut doc, (0, 9), (0, 10), "y", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "name: 😀名y\nimage: a\n");
        // A column inside the surrogate pair snaps to the emoji's start.
        edit(&mut doc, (0, 7), (0, 7), "-", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "name: -😀名y\nimage: a\n");
    }

    #[test]
    fn the_rope_is_built_at_the_first_range_edit_and_dropped_by_a_whole_text_change() {
        let mut doc = Document::new(1, None, "a: 1\nb: 2\n");
        // An open keeps the text as received; no rope yet.
        assert!(doc.rope.is_none());
        let opened = doc.text();
        assert!(Arc::ptr_eq(&opened, &doc.text()));
        edit(&mut doc, (1, 3), (1, 4), "3", ColumnUnit::Utf16);
        assert!(doc.rope.is_some());
        assert_eq!(&*doc.text(), "a: 1\nb: 3\n");
        // A whole-text change replaces both, and the next range edit starts from it.
        doc.apply_change(None, "x: 9\n", ColumnUnit::Utf16);
        assert!(doc.rope.is_none());
        assert_eq!(&*doc.text(), "x: 9\n");
        edit(&mut doc, (0, 0), (0, 1), "y", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "y: 9\n");
        // An empty document takes edits too.
        let mut empty = Document::new(1, None, "");
        edit(&mut empty, (0, 0), (0, 0), "z", ColumnUnit::Utf16);
        assert_eq!(&*empty.text(), "z");
    }

    #[test]
    fn utf8_columns_count_bytes() {
        let mut doc = Document::new(1, None, "a: 名b\n");
        edit(&mut doc, (0, 6), (0, 7), "c", ColumnUnit::Utf8);
        assert_eq!(&*doc.text(), "a: 名c\n");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let mut doc = Document::new(1, None, "ab\r\ncd");
        edit(&mut doc, (0, 99), (0, 99), "!", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "ab!\r\ncd");
        edit(&mut doc, (7, 0), (9, 9), "?", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "ab!\r\ncd?");
        // A reversed range deletes nothing.
        edit(&mut doc, (1, 2), (1, 0), "_", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "ab!\r\ncd_?");
    }

    use crate::text::LineIndex;

    fn snap(version: i32, revision: u64, text: &str) -> Snapshot {
        let settings = Arc::new(Settings::default());
        Snapshot {
            version,
            revision,
            text: Arc::from(text),
            analysis: Arc::new(crate::analysis::analyze(text, None, &settings)),
            settings,
        }
    }

    #[test]
    fn u2028_does_not_end_a_line() {
        // U+2028 is legal inside a JSON string. LSP (and VS Code) end lines only at \n, \r\n, \r.
        let text = "{\"a\": \"x\u{2028}y\",\n\"b\": 1}\n";
        let mut doc = Document::new(1, None, text);
        // The client inserts "Z" at the start of its line 1 (`"b": 1}`).
        edit(&mut doc, (1, 0), (1, 0), "Z", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "{\"a\": \"x\u{2028}y\",\nZ\"b\": 1}\n");
    }

    #[test]
    fn nel_does_not_end_a_line() {
        let text = "a: \u{85}x\nb: 1\n";
        let mut doc = Document::new(1, None, text);
        edit(&mut doc, (1, 0), (1, 1), "c", ColumnUnit::Utf16);
        assert_eq!(&*doc.text(), "a: \u{85}x\nc: 1\n");
    }

    #[test]
    fn a_lone_cr_ends_a_line_in_the_rope_and_the_line_index() {
        // LSP: "\r" alone ends a line, for edits (ropey) and for positions (LineIndex) alike.
        let text = "a: 1\rb: 2\n";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap();
        let lc = index.line_col(text, b, ColumnUnit::Utf16);
        assert_eq!((lc.line, lc.col), (1, 0), "LineIndex puts `b` at {lc:?}");
    }

    #[test]
    fn a_second_did_open_at_the_same_version_drops_the_old_analysis() {
        let store = DocumentStore::default();
        let uri: Uri = "file:///r/a.yaml".parse().unwrap();
        store.open(uri.clone(), 1, "old: text\n");
        let rev = store.lock().get(&uri).unwrap().revision;
        assert!(store.install(&uri, 0, snap(1, rev, "old: text\n")).is_ok());
        store.open(uri.clone(), 1, "new: text\n");
        let docs = store.lock();
        let fresh = docs.get(&uri).unwrap().fresh_snapshot(0);
        assert!(
            fresh.is_none(),
            "stale snapshot of {:?} served for new text",
            fresh.unwrap().text
        );
    }

    #[test]
    fn an_analysis_of_a_closed_document_never_lands_in_its_reopening() {
        let store = DocumentStore::default();
        let uri: Uri = "file:///r/a.yaml".parse().unwrap();
        store.open(uri.clone(), 1, "old: text\n");
        let rev = store.lock().get(&uri).unwrap().revision;
        // A worker/request took version 1 ("old") and is analysing it...
        let in_flight = snap(1, rev, "old: text\n");
        // ...meanwhile the editor closes and reopens the file (versions restart at 1).
        store.close(&uri);
        store.open(uri.clone(), 1, "new: text\n");
        assert!(
            store.install(&uri, 0, in_flight).is_err(),
            "the analysis of the closed document was installed into the new one"
        );
    }

    #[test]
    fn a_column_past_a_crlf_line_clamps_before_the_cr() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        let off = index.offset(
            text,
            crate::text::LineCol { line: 0, col: 99 },
            ColumnUnit::Utf16,
        );
        assert_eq!(
            off, 2,
            "LineIndex clamps (0,99) to {off}: between \\r and \\n"
        );
    }

    #[test]
    fn random_edits_and_conversions_never_panic() {
        let atoms = [
            "a", "\n", "\r\n", "\r", "😀", "名", "é", "\u{2028}", "\u{85}", "\u{b}", " ",
        ];
        let mut seed: u64 = 0x1234_5678;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..3000 {
            let n = next(20);
            let mut text = String::new();
            for _ in 0..n {
                text.push_str(atoms[next(atoms.len() as u64) as usize]);
            }
            let mut doc = Document::new(1, None, &text);
            for _ in 0..20 {
                let unit =
                    [ColumnUnit::Utf16, ColumnUnit::Utf8, ColumnUnit::Char][next(3) as usize];
                let a = (next(8) as u32, next(12) as u32);
                let b = (next(8) as u32, next(12) as u32);
                let ins = atoms[next(atoms.len() as u64) as usize];
                edit(&mut doc, a, b, ins, unit);
                let t = doc.text();
                let idx = LineIndex::new(&t);
                for line in 0..8u32 {
                    for col in 0..12u32 {
                        for u in [ColumnUnit::Utf16, ColumnUnit::Utf8, ColumnUnit::Char] {
                            let o = idx.offset(&t, crate::text::LineCol { line, col }, u);
                            let _ = idx.line_col(&t, o, u);
                            let _ = idx.line_col(&t, o + 1, u);
                        }
                    }
                }
            }
        }
    }
}
