//! Byte offsets inside, lines and columns only at the edges.
//!
//! Every span in the analysis is a byte range into the document text. [`LineIndex`] converts a byte
//! offset to a line and a column counted in the unit the consumer wants: UTF-16 code units (the
//! LSP default), UTF-8 bytes (LSP `positionEncoding: utf-8`), or characters (the CLI's columns).

use std::ops::Range;

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from two byte offsets (clamped so that `start <= end`).
    pub fn new(start: usize, end: usize) -> Self {
        let start = start as u32;
        let end = (end as u32).max(start);
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Whether `offset` lies inside the span (an empty span contains its own offset).
    pub fn contains(self, offset: usize) -> bool {
        let offset = offset as u32;
        self.start <= offset
            && (offset < self.end || (self.start == self.end && offset == self.end))
    }

    /// Whether `offset` lies inside the span or right at its end (a cursor after the last char).
    pub fn touches(self, offset: usize) -> bool {
        let offset = offset as u32;
        self.start <= offset && offset <= self.end
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span is empty.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span as a `usize` range, for slicing.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The unit in which a column is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColumnUnit {
    /// UTF-16 code units (LSP's default `positionEncoding`).
    #[default]
    Utf16,
    /// UTF-8 bytes.
    Utf8,
    /// Unicode scalar values (what a person counts; used by the CLI outputs).
    Char,
}

/// A zero-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column in the requested unit.
    pub col: u32,
}

/// Line starts of one text, for offset ↔ line/column conversion.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    /// Whether the text is pure ASCII (then every unit is a byte and conversion is arithmetic).
    ascii: bool,
    /// Byte offsets of the non-ASCII characters, in order.
    wide: Vec<u32>,
    /// `excess16[i]`: UTF-8 bytes minus UTF-16 units of `wide[..i]` (one longer than `wide`).
    excess16: Vec<u32>,
    /// `excess_chars[i]`: UTF-8 bytes minus chars of `wide[..i]`.
    excess_chars: Vec<u32>,
}

impl LineIndex {
    /// Index the line starts of `text`. Lines end at `\n`; a `\r\n` pair ends one line.
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            // LSP line ends: "\n", "\r\n" and a lone "\r".
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line_starts.push(i as u32 + 1);
            }
        }
        let ascii = text.is_ascii();
        let (mut wide, mut excess16, mut excess_chars) = (Vec::new(), vec![0], vec![0]);
        if !ascii {
            let (mut e16, mut ech) = (0u32, 0u32);
            for (i, ch) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                wide.push(i as u32);
                e16 += (ch.len_utf8() - ch.len_utf16()) as u32;
                ech += (ch.len_utf8() - 1) as u32;
                excess16.push(e16);
                excess_chars.push(ech);
            }
        }
        LineIndex {
            line_starts,
            len: text.len() as u32,
            ascii,
            wide,
            excess16,
            excess_chars,
        }
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset at which `line` starts, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts.get(line as usize).map(|&s| s as usize)
    }

    /// The byte range of `line` without its line terminator.
    pub fn line_span(&self, text: &str, line: u32) -> Option<Span> {
        let start = self.line_start(line)?;
        let mut end = self
            .line_start(line + 1)
            .map(|next| next - 1)
            .unwrap_or(self.len as usize);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(Span::new(start, end))
    }

    /// Zero-based line holding byte `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = (offset as u32).min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line as u32,
            Err(next) => (next - 1) as u32,
        }
    }

    /// Convert a byte offset to a line and a column in `unit`. An offset inside a multi-byte
    /// character is moved back to that character's start; offsets past the end clamp to the end.
    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len as usize));
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize] as usize;
        let col = if self.ascii || unit == ColumnUnit::Utf8 {
            offset - start
        } else {
            // O(log n): bytes minus what the non-ASCII characters in between "lose".
            let lo = self.wide.partition_point(|&w| (w as usize) < start);
            let hi = self.wide.partition_point(|&w| (w as usize) < offset);
            let excess = match unit {
                ColumnUnit::Utf16 => &self.excess16,
                _ => &self.excess_chars,
            };
            offset - start - (excess[hi] - excess[lo]) as usize
        };
        LineCol {
            line,
            col: col as u32,
        }
    }

    /// Convert a line and a column in `unit` to a byte offset. A column past the end of its line
    /// maps to the end of the line; a line past the end maps to the end of the text; a column in
    /// the middle of a UTF-16 surrogate pair maps to the start of that character.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> usize {
        let Some(start) = self.line_start(pos.line) else {
            return self.len as usize;
        };
        let line_end = self
            .line_span(text, pos.line)
            .map_or(self.len as usize, |s| s.end as usize);
        let line_text = &text[start..line_end];
        let col = pos.col as usize;
        let within = match unit {
            ColumnUnit::Utf8 => floor_char_boundary(line_text, col.min(line_text.len())),
            _ if self.ascii => col.min(line_text.len()),
            ColumnUnit::Utf16 | ColumnUnit::Char => {
                let mut units = 0usize;
                let mut at = line_text.len();
                for (i, ch) in line_text.char_indices() {
                    let width = if unit == ColumnUnit::Utf16 {
                        ch.len_utf16()
                    } else {
                        1
                    };
                    if units + width > col {
                        at = i;
                        break;
                    }
                    units += width;
                    if units == col {
                        at = i + ch.len_utf8();
                        break;
                    }
                }
                if col == 0 { 0 } else { at }
            }
        };
        start + within
    }
}

/// The largest char boundary `<= offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obviously right column: count the units from the line start.
    fn count_units(s: &str, unit: ColumnUnit) -> usize {
        match unit {
            ColumnUnit::Utf8 => s.len(),
            ColumnUnit::Utf16 => s.chars().map(char::len_utf16).sum(),
            ColumnUnit::Char => s.chars().count(),
        }
    }

    #[test]
    fn columns_from_the_wide_char_table_match_counting() {
        let text = "a: \"😀名\"\r\nb: é\rc: x😀y\n\n名名: 1";
        let index = LineIndex::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line = index.line_of(offset);
            let start = index.line_start(line).unwrap();
            for unit in [ColumnUnit::Utf16, ColumnUnit::Char, ColumnUnit::Utf8] {
                let lc = index.line_col(text, offset, unit);
                assert_eq!(
                    lc.col as usize,
                    count_units(&text[start..offset], unit),
                    "{offset} {unit:?}"
                );
                // Between "\r" and "\n" is no position of its own.
                if !text[..offset].ends_with('\r') || !text[offset..].starts_with('\n') {
                    assert_eq!(index.offset(text, lc, unit), offset, "{offset} {unit:?}");
                }
            }
        }
    }

    #[test]
    fn ascii_round_trip() {
        let text = "a: 1\nbb: 2\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let pos = index.line_col(text, 6, ColumnUnit::Utf16);
        assert_eq!(pos, LineCol { line: 1, col: 1 });
        assert_eq!(index.offset(text, pos, ColumnUnit::Utf16), 6);
    }

    #[test]
    fn emoji_and_cjk_columns_per_unit() {
        // "😀" is 4 UTF-8 bytes and 2 UTF-16 units; "名" is 3 bytes and 1 unit.
        let text = "x: 😀名y\n";
        let index = LineIndex::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(index.line_col(text, y, ColumnUnit::Utf8).col, 10);
        assert_eq!(index.line_col(text, y, ColumnUnit::Utf16).col, 6);
        assert_eq!(index.line_col(text, y, ColumnUnit::Char).col, 5);
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            let pos = index.line_col(text, y, unit);
            assert_eq!(index.offset(text, pos, unit), y, "{unit:?}");
        }
    }

    #[test]
    fn column_inside_surrogate_pair_maps_to_char_start() {
        let text = "😀a";
        let index = LineIndex::new(text);
        let pos = LineCol { line: 0, col: 1 };
        assert_eq!(index.offset(text, pos, ColumnUnit::Utf16), 0);
        let pos = LineCol { line: 0, col: 2 };
        assert_eq!(index.offset(text, pos, ColumnUnit::Utf16), 4);
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_col(text, 99, ColumnUnit::Utf16),
            LineCol { line: 1, col: 2 }
        );
        assert_eq!(
            index.offset(text, LineCol { line: 7, col: 0 }, ColumnUnit::Utf16),
            5
        );
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 40 }, ColumnUnit::Utf16),
            2
        );
    }

    #[test]
    fn offset_inside_multibyte_char_floors() {
        let text = "é!";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1, ColumnUnit::Char).col, 0);
    }

    #[test]
    fn crlf_line_span_excludes_terminator() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_span(text, 0), Some(Span::new(0, 2)));
        assert_eq!(index.line_span(text, 1), Some(Span::new(4, 6)));
    }
}
