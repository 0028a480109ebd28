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
//!
//! A cut is the first marker some kilobytes past the previous cut, so an edit moves no cut but
//! those near it. The next parse of an edited text takes over, from the joined result of the
//! previous one, each piece whose bytes (up to the end of its stop marker's line) are unchanged
//! and that was read whole, cleanly and without an error: its nodes are copied with ids and
//! offsets moved, which is what reading those bytes again would give.

use rayon::prelude::*;

use super::{ALIAS_BUDGET, Builder, CleanStart, Pass};
use crate::syntax::Tree;

/// When and how finely a text is cut.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Shorter texts are read in one pass.
    min_len: usize,
    /// A piece ends at the first marker this many bytes or more after its start (so pieces
    /// vary, and an edit moves no cut but those near it: the pieces after it are the same).
    piece_len: usize,
}

/// Below this size, one pass costs less than cutting and joining (and the rayon hand-off).
const MIN_PARALLEL_LEN: usize = 64 * 1024;
/// A piece is some kilobytes: enough work per task, and a cheap re-read when a document is
/// broken just before a cut or edited (16 KiB measured best on the 6,600-line benchmark stream).
const PIECE_LEN: usize = 16 * 1024;

/// The first pass over `text`, read in pieces on the rayon pool, taking over the unchanged
/// pieces of `previous`; `None` when one pass is the better (or the only safe) way.
pub(super) fn first_pass(text: &str, previous: Option<Previous>) -> Option<(Tree, Pass, Reusable)> {
    first_pass_with(
        text,
        Plan {
            min_len: MIN_PARALLEL_LEN,
            piece_len: PIECE_LEN,
        },
        previous,
    )
}

fn first_pass_with(
    text: &str,
    plan: Plan,
    previous: Option<Previous>,
) -> Option<(Tree, Pass, Reusable)> {
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
        .map(|&(start, stop)| {
            previous
                .as_ref()
                .and_then(|p| p.take_over(text, start, stop))
                .unwrap_or_else(|| Piece::read(text, start, stop))
        })
        .collect();
    let parts = assemble(text, read);
    let alias_nodes: usize = parts
        .iter()
        .map(|p| p.to.alias_nodes - p.from.alias_nodes)
        .sum();
    if alias_nodes > ALIAS_BUDGET || parts.iter().any(|p| p.piece.pass.alias_budget_reported) {
        return None;
    }
    let reusable = Reusable::of(text, &parts);
    let (tree, pass) = join(parts);
    Some((tree, pass, reusable))
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

/// Offsets where pieces start (document markers): each the first marker at least
/// `plan.piece_len` bytes after the previous one (or the start of the text).
fn cut_points(text: &str, plan: Plan) -> Vec<usize> {
    let mut cuts = Vec::with_capacity(text.len() / plan.piece_len.max(1));
    let mut from = 0;
    while let Some(cut) = next_marker(text, from + plan.piece_len.max(1)) {
        cuts.push(cut);
        from = cut;
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
    /// How many nodes it gives to the result.
    fn nodes(&self) -> usize {
        self.to.nodes - self.from.nodes
    }

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

/// What a later parse of an edited text may take over from this one: the pieces that were read
/// whole, without a syntax error, and ended where one pass stands at a clean start.
#[derive(Default)]
pub(crate) struct Reusable {
    pieces: Vec<Kept>,
}

impl std::fmt::Debug for Reusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.pieces.iter().map(|k| k.start..k.stop))
            .finish()
    }
}

/// One piece of the joined result that a later parse may take over.
struct Kept {
    start: usize,
    stop: usize,
    /// The end of the text the reading depended on: the end of the stop marker's line (a
    /// piece that read to the end of the text depended on all of it).
    depends_to: usize,
    /// Its nodes in the joined arena (in the piece's own arena: from 0).
    nodes: std::ops::Range<usize>,
    /// Its pass, as read (node ids its own, offsets as in the text it was read from).
    pass: Pass,
}

impl Reusable {
    /// What of `parts` (about to be joined in this order) a later parse may take over.
    fn of(text: &str, parts: &[Part]) -> Reusable {
        let mut pieces = Vec::new();
        for (part, offset) in parts.iter().zip(node_offsets(parts)) {
            let piece = &part.piece;
            let whole = part.from == piece.beginning() && part.to == piece.ending(text);
            let finished =
                piece.ends_clean() || (piece.stop == text.len() && piece.pass.stopped_at.is_none());
            if whole && finished && piece.pass.errors.is_empty() {
                pieces.push(Kept {
                    start: piece.start,
                    stop: piece.stop,
                    depends_to: line_end(text, piece.stop),
                    nodes: offset..offset + part.nodes(),
                    pass: piece.pass.clone(),
                });
            }
        }
        Reusable { pieces }
    }
}

/// The offset just past the line break of the line that `at` is on (the end of the text when
/// none follows).
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// An earlier parse of an edited text: its text, its arena (after the join; recovery only adds
/// nodes after the pieces'), and what it left to take over.
#[derive(Clone, Copy)]
pub(crate) struct Previous<'a> {
    /// The earlier text.
    pub text: &'a str,
    /// The earlier result's arena.
    pub tree: &'a Tree,
    /// What the earlier parse left to take over.
    pub reusable: &'a Reusable,
}

impl Previous<'_> {
    /// The piece of `text` from `start` to `stop`, taken over from the earlier parse when that
    /// read the very same bytes (wherever they were): its nodes copied, ids and offsets moved.
    fn take_over(&self, text: &str, start: usize, stop: usize) -> Option<Piece> {
        let last = stop == text.len();
        let kept = self.reusable.pieces.iter().find(|k| {
            let depends = k.depends_to - k.start;
            k.stop - k.start == stop - start
                && (k.stop == self.text.len()) == last
                && text.len() - start >= depends
                && (!last || k.depends_to == self.text.len())
                && text.as_bytes()[start..start + depends]
                    == self.text.as_bytes()[k.start..k.depends_to]
        })?;
        let delta = start as isize - kept.start as isize;
        let mut tree = self.tree.copy_range(kept.nodes.clone());
        tree.shift_ids(0u32.wrapping_sub(kept.nodes.start as u32));
        tree.shift_spans((delta as i32) as u32);
        let mut pass = kept.pass.clone();
        pass.shift_offsets(delta);
        Some(Piece {
            start,
            stop,
            tree,
            pass,
        })
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

/// Where each part's nodes start in the arena the parts are joined into.
fn node_offsets(parts: &[Part]) -> Vec<usize> {
    parts
        .iter()
        .scan(0, |next, part| {
            let offset = *next;
            *next += part.nodes();
            Some(offset)
        })
        .collect()
}

/// One arena and one pass from the parts, ids shifted as if read in one go.
fn join(mut parts: Vec<Part>) -> (Tree, Pass) {
    let nodes: usize = parts.iter().map(Part::nodes).sum();
    let offsets = node_offsets(&parts);
    parts
        .par_iter_mut()
        .zip(offsets)
        .for_each(|(part, offset)| part.trim(offset as u32));
    let mut tree = Tree::new();
    tree.reserve(nodes);
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
    };

    /// Everything the parser returns, in one comparable string (ids, spans, slots, messages).
    fn sequential(text: &str) -> String {
        let (tree, pass) = one_pass(text);
        format!("{:?}", finish(text, tree, pass))
    }

    fn parallel(text: &str, plan: Plan) -> Option<String> {
        let (tree, pass, _) = first_pass_with(text, plan, None)?;
        Some(format!("{:?}", finish(text, tree, pass)))
    }

    /// Plans that cut `text` before every marker, and into about two and three pieces.
    fn plans(text: &str) -> [Plan; 3] {
        let by = |pieces: usize| Plan {
            min_len: 0,
            piece_len: (text.len() / pieces).max(1),
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
        assert!(first_pass(&[doc; 10].join("---\n"), None).is_none());
        let long_single = format!("{doc}data:\n{}", "  key: value\n".repeat(10_000));
        assert!(first_pass_with(&long_single, FINEST, None).is_none());
    }

    #[test]
    fn long_streams_are_cut_at_the_first_marker_past_each_piece_length() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: |\n    ---\n    text\n";
        let text = [doc; 2_000].join("---\n");
        let plan = Plan {
            min_len: MIN_PARALLEL_LEN,
            piece_len: text.len() / 8,
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
        for pair in bounds.windows(2).take(cuts.len()) {
            let (from, cut) = (pair[0], pair[1]);
            assert!(text[cut..].starts_with("---\n") && text[..cut].ends_with('\n'));
            let aim = from + plan.piece_len;
            assert!(
                cut >= aim && cut < aim + doc.len() + 4,
                "cut {cut} aims at {aim}"
            );
        }
        let (tree, pass, reusable) = first_pass_with(&text, plan, None).expect("cut");
        assert_eq!(pass.documents.len(), 2_000);
        assert_eq!(reusable.pieces.len(), 8, "every piece can be taken over");
        assert_eq!(
            format!("{:?}", finish(&text, tree, pass)),
            sequential(&text)
        );
    }

    /// Parse `before`, then `after` taking over from it: the result must be what one pass over
    /// `after` gives. Returns how many of `after`'s pieces were taken over.
    fn assert_edit_reads_the_same(name: &str, before: &str, after: &str, plan: Plan) -> usize {
        let Some((tree, pass, reusable)) = first_pass_with(before, plan, None) else {
            return 0;
        };
        let earlier = finish(before, tree, pass);
        let previous = Previous {
            text: before,
            tree: &earlier.tree,
            reusable: &reusable,
        };
        let expected = sequential(after);
        let Some((tree, pass, _)) = first_pass_with(after, plan, Some(previous)) else {
            return 0;
        };
        let got = format!("{:?}", finish(after, tree, pass));
        assert!(
            got == expected,
            "{name}: the edit read with pieces taken over differs from one pass\n--- before ---\n{before}\n--- after ---\n{after}\n--- one pass ---\n{expected}\n--- taken over ---\n{got}"
        );
        let cuts = cut_points(after, plan);
        let starts = std::iter::once(0).chain(cuts.iter().copied());
        let stops = cuts.iter().copied().chain([after.len()]);
        starts
            .zip(stops)
            .filter(|&(start, stop)| previous.take_over(after, start, stop).is_some())
            .count()
    }

    /// Edits of every kind at `at` (a byte offset on a character boundary).
    fn edits_at(text: &str, at: usize) -> Vec<String> {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let splice =
            |from: usize, to: usize, with: &str| format!("{}{with}{}", &text[..from], &text[to..]);
        vec![
            splice(at, at, "x"),
            splice(at, at, "\n"),
            splice(at, at, "\"open"),
            splice(at, at, "[\n"),
            splice(at, at, "---\n"),
            splice(at, at, "\t"),
            splice(at, at, "é✓"),
            splice(line_start, line_end, ""),
            splice(line_start, line_start, "---\nnew: document\n"),
            splice(line_start, line_start, "# a comment\n"),
            splice(at, line_end, "\n"),
        ]
    }

    #[test]
    fn edited_streams_take_over_unchanged_pieces_and_read_the_same() {
        let files = crate::syntax::sample_files(&["yaml", "yml"]);
        let mut stream = String::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read a YAML file");
            stream.push_str(&text);
            if !text.ends_with('\n') {
                stream.push('\n');
            }
            stream.push_str("---\n");
        }
        let plan = Plan {
            min_len: 0,
            piece_len: (stream.len() / 6).max(1),
        };
        let mut taken = 0;
        let mut places = 0;
        for step in 1..10 {
            let at = crate::text::floor_char_boundary(&stream, stream.len() * step / 10);
            for (i, after) in edits_at(&stream, at).iter().enumerate() {
                taken +=
                    assert_edit_reads_the_same(&format!("edit {i} at {at}"), &stream, after, plan);
                places += 1;
            }
        }
        // Most edits leave most pieces as they were.
        assert!(
            taken > places * 3,
            "{taken} pieces taken over in {places} edits"
        );
    }

    #[test]
    fn tricky_streams_read_the_same_after_edits() {
        let texts = [
            "a: 1\n# between\n---\nb: 2\n...\n# after end\n--- # on the marker\nc: 3\n--- d\n",
            "--- |\n  text\n---\nx: 1\n--- |\nat column zero\n---\ny: 2\n",
            "a: [\n---\nb: \"\n---\nc: {\n---\nd: 1\n---\ne: 'x\n",
            "a: &x {b: 1}\nc: *x\n---\nd: *x\n---\ne: &x [1]\nf: *x\n<<: *x\n",
            "a: 1\r\n---\r\nb: 2\r\n--- \r\nc: |\r\n  x\r\n---\r\nd: \"e\r\n---\r\nf: 1\r\n",
            "a: |\n  ---\nb: ----\n----\n---x: 1\n---\nc: 1\n",
            "---\n---\n\n---\n# only a comment\n---",
            "name: héllo ✓\n---\n\"ключ\": 値\n---\nz: 😀\n",
        ];
        for text in texts {
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for after in edits_at(text, at) {
                    assert_edit_reads_the_same(text, text, &after, FINEST);
                }
            }
        }
    }

    #[test]
    fn a_piece_is_taken_over_only_with_the_bytes_it_read() {
        let doc = |n: usize| format!("kind: Pod\nmetadata:\n  name: p{n}\nspec: {{}}\n");
        let text: String = (0..8).map(doc).collect::<Vec<_>>().join("---\n");
        let (tree, pass, reusable) = first_pass_with(&text, FINEST, None).expect("cut");
        let earlier = finish(&text, tree, pass);
        let previous = Previous {
            text: &text,
            tree: &earlier.tree,
            reusable: &reusable,
        };
        assert_eq!(reusable.pieces.len(), 8);
        // The same bytes elsewhere: taken over, moved.
        let shifted = format!("# header\n{text}");
        let first_doc = 9..9 + doc(0).len();
        let piece = previous
            .take_over(&shifted, first_doc.start, first_doc.end)
            .expect("the first document, moved down");
        assert_eq!(
            piece.pass.documents[0].document.span.start as usize,
            first_doc.start
        );
        // A changed byte, or a changed marker line after the piece: read again.
        let changed = text.replacen("p0", "q0", 1);
        assert!(previous.take_over(&changed, 0, doc(0).len()).is_none());
        let marker = text.replacen("---\nkind", "--- # note\nkind", 1);
        assert!(previous.take_over(&marker, 0, doc(0).len()).is_none());
        // The last piece must still run to the end.
        let last_start = text.rfind("---\n").unwrap();
        assert!(previous.take_over(&text, last_start, text.len()).is_some());
        let longer = format!("{text}extra: 1\n");
        assert!(
            previous
                .take_over(&longer, last_start, longer.len())
                .is_none()
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
