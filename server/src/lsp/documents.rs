//! Open documents: their text in a rope, edited in place as changes arrive, and the latest
//! analysis of each.
//!
//! Every mutation here is synchronous. Handlers call into the store before their first `.await`,
//! so edits are applied in the order the client sent them even though handlers run concurrently.

use std::collections::HashMap;
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
    /// The text.
    pub text: Arc<str>,
    /// The analysis of `text`.
    pub analysis: Arc<Analysis>,
    /// The settings it was made under.
    pub settings: Arc<Settings>,
}

/// One open document.
pub struct Document {
    /// The client's version number.
    pub version: i32,
    /// The file path (for `file:` URIs), used for config lookup and dialect globs.
    pub path: Option<String>,
    /// The current text.
    rope: Rope,
    /// `rope` as one string, built on demand and dropped on every edit.
    text: Option<Arc<str>>,
    /// The latest analysis and the (version, settings generation) it was made for.
    analysis: Option<(i32, u64, Snapshot)>,
    /// Wakes the document's diagnostics worker.
    pub wake: Arc<Notify>,
}

impl Document {
    fn new(version: i32, path: Option<String>, text: &str) -> Self {
        Document {
            version,
            path,
            rope: Rope::from_str(text),
            text: None,
            analysis: None,
            wake: Arc::new(Notify::new()),
        }
    }

    /// The current text as one string (cached until the next edit).
    pub fn text(&mut self) -> Arc<str> {
        if let Some(text) = &self.text {
            return text.clone();
        }
        let text: Arc<str> = Arc::from(self.rope.to_string());
        self.text = Some(text.clone());
        text
    }

    /// The length of the text in bytes.
    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// The cached analysis, if it is of the current version under settings generation `settings`.
    pub fn fresh_snapshot(&self, settings: u64) -> Option<Snapshot> {
        match &self.analysis {
            Some((version, generation, snapshot))
                if *version == self.version && *generation == settings =>
            {
                Some(snapshot.clone())
            }
            _ => None,
        }
    }

    /// The latest analysis, fresh or not.
    pub fn any_snapshot(&self) -> Option<Snapshot> {
        self.analysis.as_ref().map(|(_, _, s)| s.clone())
    }

    /// Apply one content change: a range edit, or the whole text when `range` is `None`.
    pub fn apply_change(&mut self, range: Option<Range>, new_text: &str, unit: ColumnUnit) {
        self.text = None;
        let Some(range) = range else {
            self.rope = Rope::from_str(new_text);
            return;
        };
        let start = self.char_index(range.start, unit);
        let end = self.char_index(range.end, unit).max(start);
        self.rope.remove(start..end);
        self.rope.insert(start, new_text);
    }

    /// The char index of an LSP position; lines and columns past the end are clamped.
    fn char_index(&self, position: Position, unit: ColumnUnit) -> usize {
        let rope = &self.rope;
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

    /// Whether `uri` is open at `version`.
    pub fn is_current(&self, uri: &Uri, version: i32) -> bool {
        self.lock().get(uri).is_some_and(|d| d.version == version)
    }

    /// Store an analysis of `text` at `version`, unless the document has moved on since.
    pub fn install(&self, uri: &Uri, settings: u64, snapshot: Snapshot) -> bool {
        let mut documents = self.lock();
        let Some(doc) = documents.get_mut(uri) else {
            return false;
        };
        if doc.version != snapshot.version {
            return false;
        }
        doc.analysis = Some((snapshot.version, settings, snapshot));
        true
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
}
