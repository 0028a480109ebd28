//! Scanning within one line for the quick reader: plain, quoted and flow scalars, folded block
//! scalar values, and the characters it reads. Each scanner returns `None` where the quick reader
//! must give up.

use std::borrow::Cow;

use granit_parser::ScalarStyle;

/// A scalar read from one line: its value, style and span.
pub(super) struct Scalar<'a> {
    pub(super) value: Cow<'a, str>,
    pub(super) style: ScalarStyle,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A folded block scalar's value from its content lines (each with the number of empty lines
/// before it), with one final line break: lines join with a space, empty lines become line
/// breaks, and more-indented lines keep theirs.
pub(super) fn fold(lines: &[(usize, &str)]) -> Option<String> {
    if lines.first().is_some_and(|&(breaks, _)| breaks > 0) {
        return None;
    }
    let mut value = String::new();
    for (i, &(breaks, text)) in lines.iter().enumerate() {
        if i > 0 {
            let more = |t: &str| t.starts_with(' ');
            if !more(lines[i - 1].1) && !more(text) {
                if breaks == 0 {
                    value.push(' ');
                }
            } else {
                value.push('\n');
            }
            value.extend(std::iter::repeat_n('\n', breaks));
        }
        value.push_str(text);
    }
    value.push('\n');
    Some(value)
}

/// What a block scalar keeps of its final line breaks.
pub(super) enum Chomp {
    /// One (`|`).
    Clip,
    /// None (`|-`).
    Strip,
    /// All (`|+`).
    Keep,
}

/// A plain scalar from `start` to `end`, without trailing spaces.
pub(super) fn trim_end(text: &str, start: usize, end: usize) -> Scalar<'_> {
    let end = start + text[start..end].trim_end_matches(' ').len();
    Scalar {
        value: Cow::Borrowed(&text[start..end]),
        style: ScalarStyle::Plain,
        start,
        end,
    }
}

/// A plain scalar in a one-line flow collection at `at`, and where it ends: before a `,`, the
/// `close` bracket, or a `: `.
pub(super) fn flow_plain(
    text: &str,
    at: usize,
    end: usize,
    close: u8,
) -> Option<(Scalar<'_>, usize)> {
    let bytes = text.as_bytes();
    if !starts_plain(bytes, at, end, true) {
        return None;
    }
    let mut i = at;
    while i < end {
        match bytes[i] {
            b',' => break,
            b if b == close => break,
            b'[' | b']' | b'{' | b'}' => return None,
            b':' if i + 1 < end && bytes[i + 1] == b' ' => break,
            b':' if i + 1 >= end || matches!(bytes[i + 1], b',' | b']' | b'}') => return None,
            b'#' if bytes[i - 1] == b' ' => return None,
            _ => i += 1,
        }
    }
    if i >= end {
        return None;
    }
    let scalar = trim_end(text, at, i);
    let after = scalar.end;
    Some((scalar, after))
}

/// A one-line `'…'` or `"…"` scalar (only common escapes) at `at`, and where it ends.
pub(super) fn quoted(text: &str, at: usize, end: usize) -> Option<(Scalar<'_>, usize)> {
    let bytes = text.as_bytes();
    let quote = bytes[at];
    let mut value = Cow::Borrowed("");
    let mut from = at + 1;
    let mut i = at + 1;
    loop {
        let byte = *bytes.get(i).filter(|_| i < end)?;
        let next = bytes.get(i + 1).filter(|_| i + 1 < end);
        // What a two-byte sequence here stands for.
        let unescaped = match (quote, byte) {
            (b'\'', b'\'') if next == Some(&b'\'') => '\'',
            (b'"', b'\\') => match next? {
                b'\\' => '\\',
                b'"' => '"',
                b'/' => '/',
                b'n' => '\n',
                b't' => '\t',
                _ => return None,
            },
            _ if byte == quote => break,
            _ => {
                i += 1;
                continue;
            }
        };
        let owned = value.to_mut();
        owned.push_str(&text[from..i]);
        owned.push(unescaped);
        i += 2;
        from = i;
    }
    append(&mut value, &text[from..i]);
    let style = if quote == b'"' {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    };
    let scalar = Scalar {
        value,
        style,
        start: at,
        end: i + 1,
    };
    Some((scalar, i + 1))
}

/// Add `tail` to a value read so far, borrowing while nothing was unescaped.
pub(super) fn append<'a>(value: &mut Cow<'a, str>, tail: &'a str) {
    if value.is_empty() {
        *value = Cow::Borrowed(tail);
    } else {
        value.to_mut().push_str(tail);
    }
}

/// Whether a plain scalar may start at `at`: not at an indicator, except a `-` before anything
/// but a space (`-1`, `--flag`) or, in a flow collection, a `,`, `]` or `}`.
pub(super) fn starts_plain(bytes: &[u8], at: usize, end: usize, flow: bool) -> bool {
    match bytes[at] {
        b'-' => {
            let ends = space_or_end(bytes, at + 1, end)
                || (flow && matches!(bytes[at + 1], b',' | b']' | b'}'));
            !ends
        }
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'%' | b'@' | b'`' => false,
        _ => true,
    }
}

/// Whether `at` is the line's `end` or a space.
pub(super) fn space_or_end(bytes: &[u8], at: usize, end: usize) -> bool {
    at >= end || bytes[at] == b' '
}

pub(super) fn skip_spaces(bytes: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && bytes[at] == b' ' {
        at += 1;
    }
    at
}

/// Whether a line holds only characters read here the way YAML reads them: no control
/// characters (tabs and carriage returns included), no byte order mark, no line or paragraph
/// separators and no C1 controls (`NEL` is a line break in YAML 1.1).
pub(super) fn check_characters(line: &str) -> Option<()> {
    line.chars()
        .all(|c| match c {
            ' '..='~' => true,
            '\u{0}'..='\u{a0}' => false,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
            _ => true,
        })
        .then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_joins_lines_and_keeps_breaks_around_empty_and_indented_lines() {
        let lines = [
            (0, "one"),
            (0, "two"),
            (1, "three"),
            (0, "  more"),
            (0, "four"),
        ];
        assert_eq!(
            fold(&lines).as_deref(),
            Some("one two\nthree\n  more\nfour\n")
        );
        // Leading empty lines are left to granit-parser.
        assert_eq!(fold(&[(1, "x")]), None);
    }

    #[test]
    fn quoted_scalars_unescape_and_borrow_when_they_can() {
        let text = r#""plain" "a\"b\\c\n" 'it''s' "\x41" "open"#;
        let (s, after) = quoted(text, 0, text.len()).unwrap();
        assert!(matches!(s.value, Cow::Borrowed("plain")));
        assert_eq!((s.start, s.end, after), (0, 7, 7));
        let (s, _) = quoted(text, 8, text.len()).unwrap();
        assert_eq!(s.value, "a\"b\\c\n");
        let (s, _) = quoted(text, 20, text.len()).unwrap();
        assert_eq!(s.value, "it's");
        assert!(quoted(text, 28, text.len()).is_none(), "\\x is left");
        assert!(quoted(text, 35, text.len()).is_none(), "unclosed");
    }

    #[test]
    fn flow_plain_scalars_end_at_commas_brackets_and_mapping_colons() {
        let text = "a b , c:d] e: f}";
        let (s, after) = flow_plain(text, 0, text.len(), b']').unwrap();
        assert_eq!((s.value.as_ref(), after), ("a b", 3));
        let (s, after) = flow_plain(text, 6, text.len(), b']').unwrap();
        assert_eq!((s.value.as_ref(), after), ("c:d", 9));
        let (s, after) = flow_plain(text, 11, text.len(), b'}').unwrap();
        assert_eq!((s.value.as_ref(), after), ("e", 12));
        assert!(flow_plain("x [y]", 0, 5, b']').is_none());
    }

    #[test]
    fn characters_yaml_reads_otherwise_are_refused() {
        assert!(check_characters("héllo ✓ 🚀").is_some());
        for bad in [
            "a\tb",
            "a\rb",
            "\u{feff}a",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{7f}",
        ] {
            assert!(check_characters(bad).is_none(), "{bad:?}");
        }
    }
}
