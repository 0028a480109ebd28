//! Long multi-document streams read in parallel, with exactly the result of one pass.
//!
//! A line that starts with `---` followed by a blank, a line break or the end of the text is a
//! document marker wherever it appears (YAML 1.2, §9.1.1: it ends a block or plain scalar and the
//! document; inside a quoted scalar or a flow collection it is an error). So the stream is cut
//! just before a few such markers (never at `...` ends, after which a document may start without
//! a marker) and the pieces are read on the rayon pool, each by its own builder, from its cut
//! until a document starts at the next cut: the parser reads on past the cut, so it sees there
//! what one pass sees.
//!
//! Where a `---` started a document with no syntax error since the previous document started (a
//! *clean start*), one pass stands in the state a new parser starts in, so the piece read from
//! there reads what one pass reads. A piece that does not end at a clean start (a document broken
//! just before the next cut) keeps what it read up to its last clean start; the text from there
//! is read again up to the first clean start inside the next piece, which is kept from there on.
//! The parts are joined in order: arenas (ids shifted), documents, errors, comments.
//!
//! Texts that could carry state across a marker go the one-pass way: directives (a `%` at the
//! start of a line), byte order marks after the first character, NUL bytes, and streams whose
//! aliases expand to more nodes than the budget allows (it counts over the whole text). Broken
//! documents are recovered after the join, in document order as after one pass, so that grafted
//! nodes get the same ids.

use rayon::prelude::*;

use super::{ALIAS_BUDGET, Builder, CleanStart, Pass};
use crate::syntax::Tree;

/// When and how finely a text is cut.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Shorter texts are read in one pass.
    min_len: usize,
    /// The size a piece aims at (pieces end at markers, so they vary).
    piece_len: usize,
    /// At most this many pieces.
    max_pieces: usize,
}

/// Below this size, one pass costs less than cutting and joining (and the rayon hand-off).
const MIN_PARALLEL_LEN: usize = 64 * 1024;
/// A piece is some kilobytes: enough work per task, and a cheap re-read when a document is
/// broken just before a cut (16 KiB measured best on the 6,600-line benchmark stream).
const PIECE_LEN: usize = 16 * 1024;
/// Pieces per thread: more than one, so that uneven pieces still keep every thread busy.
const PIECES_PER_THREAD: usize = 4;

/// The first pass over `text`, read in parallel pieces; `None` when one pass is the better (or
/// the only safe) way.
pub(super) fn first_pass(text: &str) -> Option<(Tree, Pass)> {
    let threads = rayon::current_num_threads();
    if threads < 2 {
        return None;
    }
    first_pass_with(
        text,
        Plan {
            min_len: MIN_PARALLEL_LEN,
            piece_len: PIECE_LEN,
            max_pieces: threads * PIECES_PER_THREAD,
        },
    )
}

fn first_pass_with(text: &str, plan: Plan) -> Option<(Tree, Pass)> {
    if text.len() < plan.min_len || may_carry_state(text) {
        return None;
    }
    let cuts = cut_points(text, plan);
    if cuts.is_empty() {
        return None;
    }
    let bounds: Vec<(usize, usize)> = std::iter::once(0)
        .chain(cuts.iter().copied())
        .zip(cuts.iter().copied().chain(std::iter::once(text.len())))
        .collect();
    let read: Vec<Piece> = bounds
        .par_iter()
        .map(|&(start, stop)| Piece::read(text, start, stop))
        .collect();
    let parts = assemble(text, read);
    let alias_nodes: usize = parts
        .iter()
        .map(|p| p.to.alias_nodes - p.from.alias_nodes)
        .sum();
    if alias_nodes > ALIAS_BUDGET || parts.iter().any(|p| p.piece.pass.alias_budget_reported) {
        return None;
    }
    Some(join(parts))
}

/// Whether something in `text` could carry parser state across a document marker.
fn may_carry_state(text: &str) -> bool {
    let after_first = text.char_indices().nth(1).map_or("", |(i, _)| &text[i..]);
    text.starts_with('%')
        || text.contains("\n%")
        || text.contains("\r%")
        || text.as_bytes().contains(&0)
        || after_first.contains('\u{feff}')
}

/// Offsets where pieces start (document markers), aiming at `plan.piece_len` bytes a piece.
fn cut_points(text: &str, plan: Plan) -> Vec<usize> {
    let pieces = (text.len() / plan.piece_len.max(1)).clamp(1, plan.max_pieces.max(1));
    let step = text.len() / pieces;
    let mut cuts = Vec::with_capacity(pieces - 1);
    let mut target = step;
    while cuts.len() + 1 < pieces {
        let Some(cut) = next_marker(text, target) else {
            break;
        };
        cuts.push(cut);
        target = (target + step).max(cut + 1);
    }
    cuts
}

/// The first offset at or after `from` where a line starts with a document start marker.
fn next_marker(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = crate::text::floor_char_boundary(text, from.saturating_sub(1));
    loop {
        let line_break = at + text.get(at..)?.find("\n---")?;
        let marker = line_break + 1;
        let ends_marker = matches!(
            bytes.get(marker + 3),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        );
        if marker >= from && ends_marker {
            return Some(marker);
        }
        at = marker;
    }
}

/// One piece of the stream, read on its own.
struct Piece {
    start: usize,
    /// The marker where the next piece starts (or the end of the text).
    stop: usize,
    tree: Tree,
    pass: Pass,
}

impl Piece {
    /// Read from `start` (where a document starts) until a document starts at or after `stop`.
    ///
    /// The builder reads on to the end of the text and stops at that document's start event,
    /// so the parser sees exactly what one pass sees before it (a block scalar that ends at a
    /// marker gets the same span as in one pass, which it would not at the end of a slice).
    fn read(text: &str, start: usize, stop: usize) -> Piece {
        let mut tree = Tree::new();
        let mut builder = Builder::new(&mut tree, start);
        if stop < text.len() {
            builder.stop = stop;
        }
        let pass = builder.run(&text[start..], true);
        Piece {
            start,
            stop,
            tree,
            pass,
        }
    }

    /// Whether reading stopped at a clean start at the marker itself (so one pass stands at the
    /// start of a document there too, in the state a new parser starts in).
    fn ends_clean(&self) -> bool {
        self.pass.stopped_at == Some(self.stop)
            && self.pass.clean_starts.last().map(|c| c.at) == Some(self.stop)
    }

    /// Where the piece begins, as a clean start.
    fn beginning(&self) -> CleanStart {
        CleanStart {
            at: self.start,
            nodes: 0,
            documents: 0,
            errors: 0,
            alias_nodes: 0,
        }
    }

    /// Where the piece ends: everything it read.
    fn ending(&self, text: &str) -> CleanStart {
        CleanStart {
            at: self.pass.stopped_at.unwrap_or(text.len()),
            nodes: self.tree.len(),
            documents: self.pass.documents.len(),
            errors: self.pass.errors.len(),
            alias_nodes: self.pass.alias_nodes,
        }
    }
}

/// What a piece gives to the result: what it read between two clean starts.
struct Part {
    piece: Piece,
    from: CleanStart,
    to: CleanStart,
}

impl Part {
    fn whole(text: &str, piece: Piece) -> Part {
        Part {
            from: piece.beginning(),
            to: piece.ending(text),
            piece,
        }
    }

    /// The last clean start before the piece's stop marker (at worst, where the part begins).
    fn last_clean_start(&self) -> CleanStart {
        let starts = &self.piece.pass.clean_starts;
        starts
            .iter()
            .rev()
            .find(|c| c.at > self.from.at && c.at < self.piece.stop)
            .copied()
            .unwrap_or(self.from)
    }

    /// The first clean start after the piece's own start, if any.
    fn first_inner_clean_start(&self) -> Option<CleanStart> {
        let starts = &self.piece.pass.clean_starts;
        starts.iter().find(|c| c.at > self.piece.start).copied()
    }

    /// Keep only what lies between `from` and `to`, node ids shifted to start at `offset`.
    fn trim(&mut self, offset: u32) {
        let (from, to) = (self.from, self.to);
        let tree = &mut self.piece.tree;
        tree.keep_range(from.nodes..to.nodes);
        let shift = offset.wrapping_sub(from.nodes as u32);
        tree.shift_ids(shift);
        let pass = &mut self.piece.pass;
        pass.documents.truncate(to.documents);
        pass.documents.drain(..from.documents);
        for parsed in &mut pass.documents {
            if let Some(root) = &mut parsed.document.root {
                root.0 = root.0.wrapping_add(shift);
            }
        }
        pass.errors.truncate(to.errors);
        pass.errors.drain(..from.errors);
        pass.comments
            .retain(|c| (from.at..to.at).contains(&(c.span.start as usize)));
        pass.alias_nodes = to.alias_nodes - from.alias_nodes;
    }
}

/// The parts of the result: each begins where one pass stands at a clean document start.
///
/// A piece that does not end cleanly (a document broken just before the next cut) keeps what it
/// read up to its last clean start; the text from there is read again up to the first clean
/// start inside the next piece, which is kept from there on. Should that bridge not end cleanly
/// either, the text from the last clean start is read again up to the end of the next piece.
fn assemble(text: &str, read: Vec<Piece>) -> Vec<Part> {
    let mut parts = Vec::with_capacity(read.len() + 2);
    let mut read = read.into_iter();
    let Some(first) = read.next() else {
        return parts;
    };
    let mut current = Part::whole(text, first);
    for next in read {
        let next = Part::whole(text, next);
        if current.piece.ends_clean() {
            parts.push(std::mem::replace(&mut current, next));
            continue;
        }
        let restart = current.last_clean_start();
        current.to = restart;
        parts.push(current);
        let bridge = next
            .first_inner_clean_start()
            .map(|resume| (resume, Piece::read(text, restart.at, resume.at)))
            .filter(|(_, bridge)| bridge.ends_clean());
        current = match bridge {
            Some((resume, bridge)) => {
                parts.push(Part::whole(text, bridge));
                Part {
                    from: resume,
                    ..next
                }
            }
            None => Part::whole(text, Piece::read(text, restart.at, next.piece.stop)),
        };
    }
    parts.push(current);
    parts
}

/// One arena and one pass from the parts, ids shifted as if read in one go.
fn join(mut parts: Vec<Part>) -> (Tree, Pass) {
    let mut offset = 0u32;
    let offsets: Vec<u32> = parts
        .iter()
        .map(|p| {
            let this = offset;
            offset += (p.to.nodes - p.from.nodes) as u32;
            this
        })
        .collect();
    parts
        .par_iter_mut()
        .zip(offsets)
        .for_each(|(part, offset)| part.trim(offset));
    let mut tree = Tree::new();
    tree.reserve(offset as usize);
    let mut pass = Pass {
        documents: Vec::with_capacity(parts.iter().map(|p| p.piece.pass.documents.len()).sum()),
        errors: Vec::new(),
        comments: Vec::with_capacity(parts.iter().map(|p| p.piece.pass.comments.len()).sum()),
        alias_nodes: 0,
        alias_budget_reported: false,
        stopped_at: None,
        clean_starts: Vec::new(),
    };
    for mut part in parts {
        tree.append(std::mem::take(&mut part.piece.tree));
        let piece = &mut part.piece.pass;
        pass.documents.append(&mut piece.documents);
        pass.errors.append(&mut piece.errors);
        pass.comments.append(&mut piece.comments);
        pass.alias_nodes += piece.alias_nodes;
    }
    (tree, pass)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::{finish, first_pass as one_pass};

    /// Cut before every document marker.
    const FINEST: Plan = Plan {
        min_len: 0,
        piece_len: 1,
        max_pieces: usize::MAX,
    };

    /// Everything the parser returns, in one comparable string (ids, spans, slots, messages).
    fn sequential(text: &str) -> String {
        let (tree, pass) = one_pass(text);
        format!("{:?}", finish(text, tree, pass))
    }

    fn parallel(text: &str, plan: Plan) -> Option<String> {
        let (tree, pass) = first_pass_with(text, plan)?;
        Some(format!("{:?}", finish(text, tree, pass)))
    }

    /// Plans that cut `text` before every marker, and into about two and three pieces.
    fn plans(text: &str) -> [Plan; 3] {
        let by = |pieces: usize| Plan {
            min_len: 0,
            piece_len: (text.len() / pieces).max(1),
            max_pieces: pieces,
        };
        [FINEST, by(2), by(3)]
    }

    /// Assert that every plan that cuts `text` gives the one-pass result; returns how many did.
    fn assert_same(name: &str, text: &str) -> usize {
        let expected = sequential(text);
        let mut cut = 0;
        for plan in plans(text) {
            if let Some(got) = parallel(text, plan) {
                assert!(
                    got == expected,
                    "{name}: cut by {plan:?} differs from one pass\n--- text ---\n{text}\n--- one pass ---\n{expected}\n--- parallel ---\n{got}"
                );
                cut += 1;
            }
        }
        cut
    }

    #[test]
    fn every_yaml_file_of_the_repository_and_corpus_reads_the_same_in_pieces() {
        let files = crate::syntax::sample_files(&["yaml", "yml"]);
        assert!(files.len() > 20, "found only {files:?}");
        let mut stream = String::new();
        let mut cut_files = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read a YAML file");
            if assert_same(&file.display().to_string(), &text) > 0 {
                cut_files += 1;
            }
            stream.push_str(&text);
            if !text.ends_with('\n') {
                stream.push('\n');
            }
            stream.push_str("---\n");
        }
        assert!(cut_files > 5, "multi-document files were cut");
        // All of them as one long stream (broken documents, comments and block scalars at cuts).
        assert_eq!(assert_same("all files", &stream), 3);
    }

    #[test]
    fn tricky_streams_read_the_same_in_pieces() {
        let cases = [
            // Comments between documents, `...` ends, markers with comments and content.
            "a: 1\n# between\n---\nb: 2\n...\n# after end\n--- # on the marker\nc: 3\n--- d\n",
            // A `---` inside a top-level block scalar ends the document.
            "--- |\n  text\n---\nx: 1\n--- |\nat column zero\n---\ny: 2\n",
            "k: |\n  body\n---\nk: >-\n  folded\n\n---\nk: |+\n  kept\n\n\n---\nend: 1\n",
            // A marker inside a quoted scalar or a flow collection is an error.
            "a: \"open quote\n---\nb: 2\n---\nc: 3\n",
            "a: 'open\n---\nb: 2\n",
            "a: [1, 2\n---\nb: {x: 1\n---\nc: 3\n---\nd: 4\n",
            // Broken documents in a row, and a broken last document.
            "a: [\n---\nb: \"\n---\nc: {\n---\nd: 1\n---\ne: 'x\n",
            "\tbad: tab\n---\nok: 1\n---\n  - bad\nindent: 2\n---\nok: 3\n",
            // Multi-line plain scalars stop at the marker.
            "plain\n  continued\n---\nnext\n---\n",
            // Anchors are per document: an alias to an earlier document's anchor.
            "a: &x {b: 1}\nc: *x\n---\nd: *x\n---\ne: &x [1]\nf: *x\n<<: *x\n",
            // CRLF line ends.
            "a: 1\r\n---\r\nb: 2\r\n--- \r\nc: |\r\n  x\r\n---\r\nd: \"e\r\n---\r\nf: 1\r\n",
            // A byte order mark at the start.
            "\u{feff}a: 1\n---\nb: 2\n",
            // Not markers: `----`, `---x`, an indented `---`.
            "a: |\n  ---\nb: ----\n----\n---x: 1\n---\nc: 1\n",
            // Empty documents, a marker at the very end, no final line break.
            "---\n---\n\n---\n# only a comment\n---",
            "a: 1\n---\nb: 2",
            // Duplicate keys, complex keys, tags.
            "d: 1\nd: 2\n---\n? [a, b]\n: x\n---\ns: !!str 10\nt: !custom 1\n---\nu: !!int 7\n",
            // Errors after a document end.
            "a: 1\n... junk\n---\nb: 2\n---\nc: 3\n",
            "a: 1\n...\n\"unclosed\n---\nb: 2\n",
            // Unicode everywhere.
            "name: héllo ✓\n---\n\"ключ\": 値\n---\nz: 😀\n",
        ];
        for text in cases {
            assert!(assert_same(text, text) > 0, "was cut: {text:?}");
        }
    }

    #[test]
    fn texts_that_may_carry_state_across_markers_are_read_in_one_pass() {
        for text in [
            "%YAML 1.2\n---\na: 1\n---\nb: 2\n",
            "a: 1\n...\n%TAG !e! tag:example.com,2000:\n---\nb: !e!x 2\n",
            "a: 1\n---\n\u{feff}b: 2\n",
            "a: 1\n---\nb: \0\n",
        ] {
            assert!(parallel(text, FINEST).is_none(), "{text:?}");
        }
        // Aliases over the budget for the whole text, though each piece is within it.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..5 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let stream = [bomb.as_str(); 12].join("---\n");
        assert!(parallel(&stream, FINEST).is_none());
        // Within the budget, aliases are fine.
        let head = bomb.lines().take(3).collect::<Vec<_>>().join("\n");
        let small = [head.as_str(); 4].join("\n---\n");
        assert_same("aliases", &small);
    }

    #[test]
    fn short_texts_and_single_documents_are_not_cut() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
        assert!(first_pass(&[doc; 10].join("---\n")).is_none());
        let long_single = format!("{doc}data:\n{}", "  key: value\n".repeat(10_000));
        assert!(first_pass_with(&long_single, FINEST).is_none());
    }

    #[test]
    fn long_streams_are_cut_near_even_sizes_at_markers() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: |\n    ---\n    text\n";
        let text = [doc; 2_000].join("---\n");
        let plan = Plan {
            min_len: MIN_PARALLEL_LEN,
            piece_len: text.len() / 8,
            max_pieces: 8,
        };
        let cuts = cut_points(&text, plan);
        assert_eq!(cuts.len(), 7);
        // Every cut is clean: each piece is kept whole, none is read again.
        let parts = assemble(&text, read_at(&text, &cuts));
        let spans: Vec<(usize, usize)> = parts.iter().map(|p| (p.from.at, p.to.at)).collect();
        let mut bounds = vec![0];
        bounds.extend(&cuts);
        bounds.push(text.len());
        assert_eq!(
            spans,
            bounds.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>()
        );
        for (i, &cut) in cuts.iter().enumerate() {
            assert!(text[cut..].starts_with("---\n") && text[..cut].ends_with('\n'));
            let aim = text.len() / 8 * (i + 1);
            assert!(
                cut >= aim && cut < aim + doc.len() + 4,
                "cut {cut} aims at {aim}"
            );
        }
        let (tree, pass) = first_pass_with(&text, plan).expect("cut");
        assert_eq!(pass.documents.len(), 2_000);
        assert_eq!(
            format!("{:?}", finish(&text, tree, pass)),
            sequential(&text)
        );
    }

    /// The pieces between `cuts`, read one after the other.
    fn read_at(text: &str, cuts: &[usize]) -> Vec<Piece> {
        let starts = std::iter::once(0).chain(cuts.iter().copied());
        let stops = cuts.iter().copied().chain([text.len()]);
        starts
            .zip(stops)
            .map(|(start, stop)| Piece::read(text, start, stop))
            .collect()
    }

    /// Offsets of every `---` marker after the first character.
    fn markers(text: &str) -> Vec<usize> {
        std::iter::successors(next_marker(text, 1), |&m| next_marker(text, m + 1)).collect()
    }

    #[test]
    fn a_document_broken_just_before_a_cut_is_read_again_with_its_neighbour_only() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
        let mut docs = [doc; 12];
        docs[5] = "apiVersion: v1\nkind: \"unterminated\n";
        let text = docs.join("---\n");
        let m = markers(&text);
        assert_eq!(m.len(), 11);
        // Cuts before documents 3, 6 and 9: document 5 is the last of the second piece. That
        // piece is kept up to document 5; documents 5 and 6 are read again; the third piece is
        // kept from document 7 on.
        let cuts = [m[2], m[5], m[8]];
        let parts = assemble(&text, read_at(&text, &cuts));
        let spans: Vec<(usize, usize)> = parts.iter().map(|p| (p.from.at, p.to.at)).collect();
        assert_eq!(
            spans,
            [
                (0, m[2]),
                (m[2], m[4]),
                (m[4], m[6]),
                (m[6], m[8]),
                (m[8], text.len())
            ]
        );
        let (tree, pass) = join(parts);
        assert_eq!(
            format!("{:?}", finish(&text, tree, pass)),
            sequential(&text)
        );
        assert_same("broken at a cut", &text);
    }

    /// A small deterministic generator (xorshift), so that failures reproduce.
    struct Rng(u64);

    /// The seed and number of rounds of a randomised test: fixed, unless `YAML_PIECES_SEED` or
    /// `YAML_PIECES_ROUNDS` ask for another or a longer run.
    fn randomised(seed: u64, rounds: usize) -> (Rng, usize) {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
        (
            Rng(var("YAML_PIECES_SEED").unwrap_or(seed)),
            var("YAML_PIECES_ROUNDS").map_or(rounds, |r| r as usize),
        )
    }

    impl Rng {
        fn next(&mut self, below: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % below as u64) as usize
        }
    }

    /// Streams of fragments that end or break documents in every way we know, randomly joined.
    #[test]
    fn random_streams_of_tricky_fragments_read_the_same_in_pieces() {
        let fragments = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
            "script: |\n  echo hi\n  exit 0\n",
            "--- |\nliteral at column zero\n",
            "keep: |+\n  kept\n\n\n",
            "folded: >-\n  a\n  b\n",
            "key: \"unterminated\n",
            "key: 'unterminated\n",
            "list: [a, b\n",
            "map: {a: 1,\n",
            "a: &x {b: 1}\nc: *x\n",
            "d: *x\n",
            "<<: *x\n",
            "# just a comment\n",
            "...\n",
            "... # end\n",
            "... junk\n",
            "\tbad: tab\n",
            "k: v\r\n",
            "plain\n  continued\n",
            "? complex\n: value\n",
            "? [a, b]\n: value\n",
            "- item\n- [nested, {x: y}]\n",
            "dup: 1\ndup: 2\n",
            "multi: 'single\n  quoted'\n",
            "empty:\n",
            "  - bad indent\n",
            "name: héllo ✓\n",
            "\"quoted key\": 1\n",
            "z: !!str 10\n",
            "z: !custom 1\n",
            "a:\n  b:\n    c: [1, {d: e}]\n",
            "x: |\n---\n",
            "q: \"a\n  b\"\n",
            "k: v # trailing\n",
            "@bad\n",
            "]\n",
            "key: value: other\n",
            "--- &a\nq: 1\n",
            "--- !!map\nq: 1\n",
            "--- !!str\n",
            "k: \"a\\\n",
            "[a,\n b]\n",
            "{a: 1}\n",
            "- a\n-\n  - b\n",
            "k: >\n\n  x\n\n",
            "k: |2\n   x\n",
            "|\n",
            "? a\n",
            "&anchor\n",
            "!tag\n",
            "k: *unknown\n",
            "*x\n",
            "- &y [1]\n- *y\n",
        ];
        let separators = [
            "---\n",
            "--- # c\n",
            "---\t\n",
            "--- x\n",
            "---\r\n",
            "...\n---\n",
            "----\n",
            "---x\n",
            "",
        ];
        let (mut rng, rounds) = randomised(0x5eed_cafe_f00d, 1_500);
        let mut cut = 0;
        for round in 0..rounds {
            let mut text = String::new();
            for _ in 0..2 + rng.next(12) {
                for _ in 0..1 + rng.next(3) {
                    text.push_str(fragments[rng.next(fragments.len())]);
                }
                text.push_str(separators[rng.next(separators.len())]);
            }
            if rng.next(4) == 0 {
                text.pop();
            }
            if assert_same(&format!("round {round}"), &text) > 0 {
                cut += 1;
            }
        }
        assert!(
            cut * 4 > rounds * 3,
            "most streams were cut: {cut} of {rounds}"
        );
    }

    /// Real manifests with a few random characters inserted or deleted anywhere.
    #[test]
    fn mutated_real_streams_read_the_same_in_pieces() {
        let base: String = crate::syntax::sample_files(&["yaml", "yml"])
            .iter()
            .filter(|f| f.components().any(|c| c.as_os_str() == "examples"))
            .map(|f| std::fs::read_to_string(f).unwrap())
            .filter(|t| t.len() < 3000)
            .take(12)
            .collect::<Vec<_>>()
            .join("\n---\n");
        let inserts = [
            "\"", "'", "[", "{", "]", "}", "\t", ":", "|", ">", "&a ", "*a", "#", "\n", "\n---\n",
            "\n...\n", "- ", "? ", ",", "!", "%", "\r", " ",
        ];
        let (mut rng, rounds) = randomised(0xfeed_beef, 300);
        let mut cut = 0;
        for round in 0..rounds {
            let mut text = base.clone();
            for _ in 0..1 + rng.next(6) {
                let mut at = rng.next(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.next(3) == 0 {
                    let mut end = (at + 1 + rng.next(8)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                } else {
                    text.insert_str(at, inserts[rng.next(inserts.len())]);
                }
            }
            if assert_same(&format!("mutation round {round}"), &text) > 0 {
                cut += 1;
            }
        }
        assert!(
            cut * 4 > rounds * 3,
            "most streams were cut: {cut} of {rounds}"
        );
    }
}
