//! A plain-`String` model of LSP text synchronisation, written from the protocol, to check the
//! server's rope against: lines end at `\n`, `\r\n` or a lone `\r`; a column past the end of
//! its line clamps to the line's end (before the terminator), a line past the end to the end of
//! the text; a UTF-16 column inside a surrogate pair (or a UTF-8 column inside a character)
//! means the start of that character; a reversed range is empty at its start.
//!
//! Shared by `tests/robustness.rs`, `tests/lsp_hostile.rs` and the `session` fuzz target.

#![allow(dead_code)]

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// UTF-8 bytes.
    Utf8,
    /// Unicode scalar values (UTF-32).
    Char,
}

/// Byte ranges of each line's content (terminator excluded), and the text's length.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, bytes.len()));
    out
}

/// The byte offset of LSP position (`line`, `col`) in `text`.
pub fn offset(text: &str, line: u32, col: u32, unit: Unit) -> usize {
    let lines = lines(text);
    let Some(&(start, end)) = lines.get(line as usize) else {
        return text.len();
    };
    let content = &text[start..end];
    let col = col as usize;
    let mut units = 0;
    for (i, ch) in content.char_indices() {
        let width = match unit {
            Unit::Utf16 => ch.len_utf16(),
            Unit::Utf8 => ch.len_utf8(),
            Unit::Char => 1,
        };
        if units + width > col {
            return start + i;
        }
        units += width;
    }
    end
}

/// An LSP range as ((line, column), (line, column)).
pub type LineRange = ((u32, u32), (u32, u32));

/// Apply one content change: replace the range (or the whole text when `None`) by `new_text`.
pub fn apply(text: &mut String, range: Option<LineRange>, new_text: &str, unit: Unit) {
    let Some(((l0, c0), (l1, c1))) = range else {
        *text = new_text.to_string();
        return;
    };
    let start = offset(text, l0, c0, unit);
    let end = offset(text, l1, c1, unit).max(start);
    text.replace_range(start..end, new_text);
}

/// The number of lines of `text` as LSP counts them.
pub fn line_count(text: &str) -> usize {
    lines(text).len()
}

/// A small deterministic generator (an LCG), so that scripts are the same on every run.
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `m` (`m > 0`).
    pub fn below(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % m.max(1)
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One of [`ATOMS`].
    pub fn atom(&mut self) -> &'static str {
        ATOMS[self.below(ATOMS.len() as u64) as usize]
    }
}

/// Pieces of text that stress synchronisation: surrogate pairs, CRLF and lone CR, multi-byte
/// characters, separators that are not line ends, and bits of YAML and JSON.
pub const ATOMS: &[&str] = &[
    "a",
    " ",
    "\n",
    "\r\n",
    "\r",
    "😀",
    "👩‍🚀",
    "名",
    "é",
    "\u{2028}",
    "\u{85}",
    "\t",
    "- name: x\n",
    "  image: nginx\r\n",
    "{\"a\": [1,",
    "]}",
    ": ",
    "\"",
    "",
];

/// A random edit of `text`: (range, new text). Ranges may lie past the end, be reversed, span
/// lines, or start or end inside a surrogate pair or a `\r\n`.
pub fn random_edit(rng: &mut Lcg, text: &str) -> (Option<LineRange>, String) {
    let lines = line_count(text) as u64;
    if rng.below(40) == 0 {
        let mut whole = String::new();
        for _ in 0..rng.below(30) {
            whole.push_str(rng.atom());
        }
        return (None, whole);
    }
    let position = |rng: &mut Lcg| (rng.below(lines + 2) as u32, rng.below(14) as u32);
    let start = position(rng);
    let end = if rng.below(3) == 0 {
        start
    } else {
        position(rng)
    };
    let mut new_text = String::new();
    for _ in 0..rng.below(4) {
        new_text.push_str(rng.atom());
    }
    (Some((start, end)), new_text)
}
