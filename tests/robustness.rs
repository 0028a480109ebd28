//! Never crash on any text: mutations of every example, fixture and corpus file (byte flips,
//! truncations at every structural point, deleted and duplicated lines, inserted JSON and YAML
//! tokens, tabs in YAML indentation, bytes that are not UTF-8), deep nesting and alias bombs.
//! For each, the analysis, every editor feature and the renderer must not panic, and every span
//! they return must lie inside the text on character boundaries (`support/invariants.rs`).
//!
//! Deterministic: fixed seeds, no persistence. The corpus is read from `SIDECAR_LSP_CORPUS` or
//! `../shared/corpus`, and skipped with a note when absent.

#[path = "support/edit_model.rs"]
mod edit_model;
#[path = "support/files.rs"]
mod files;
#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/session.rs"]
mod session;

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sidecar_lsp::config::Settings;
use sidecar_lsp::syntax::MAX_DEPTH;

/// One input file: its name (for dialect detection) and text.
struct Input {
    name: String,
    text: String,
    /// One of our examples or fixtures (small: every offset is tried), not a corpus file.
    ours: bool,
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SIDECAR_LSP_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => files::repo_root().join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

/// Our examples and fixtures, and the corpus when it is there.
fn inputs() -> &'static [Input] {
    static INPUTS: OnceLock<Vec<Input>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let root = files::repo_root();
        let mut dirs = vec![
            (root.join("examples"), true),
            (root.join("tests/fixtures"), true),
        ];
        match corpus_dir() {
            Some(dir) => dirs.push((dir, false)),
            None => eprintln!(
                "note: corpus absent (set SIDECAR_LSP_CORPUS or add ../shared/corpus); \
                 mutating only examples/ and tests/fixtures/"
            ),
        }
        dirs.iter()
            .flat_map(|(d, ours)| files::data_files_under(d).into_iter().map(|p| (p, *ours)))
            .map(|(path, ours)| Input {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                text: std::fs::read_to_string(&path).expect("a UTF-8 test file"),
                ours,
            })
            .collect()
    })
}

/// Analysis and cursor features at a few places: the start, the end, the cut, and a sample.
fn check_mutant(text: &str, name: &str, around: usize) {
    let mut offsets = invariants::cursor_offsets(text, 12);
    offsets.extend([0, around, around + 1, text.len(), text.len() + 7]);
    invariants::check_everything(text, name, &offsets);
}

/// Truncation after every structural point of every file (`{ [ , : -` quote, newline): the
/// text an editor holds while a document is being typed from top to bottom. The cursor sits at
/// the cut, where completion is asked.
#[test]
fn truncations_at_every_structural_point_never_panic() {
    let settings = Settings::default();
    let mut checked = 0;
    for input in inputs() {
        let points = invariants::structural_points(&input.text);
        // Every point of small files; an even sample of 80 for long corpus files.
        let step = points.len() / 80 + 1;
        for &cut in points.iter().step_by(step) {
            let text = &input.text[..cut];
            let analysis = invariants::check_analysis(text, &input.name, &settings);
            invariants::check_at(&analysis, text, cut, &settings);
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} truncations");
}

/// Every editor feature at every character of each example and fixture (a dense sample of the
/// long corpus files), and every whole-document feature and the renderer on each.
#[test]
fn every_feature_at_every_offset_of_every_file_never_panics() {
    let settings = Settings::default();
    for input in inputs() {
        let text = &input.text;
        let analysis = invariants::check_analysis(text, &input.name, &settings);
        invariants::check_document_features(&analysis, text, &settings);
        invariants::check_render(&analysis, text, text.len() / 3, &settings);
        let budget = if input.ours { usize::MAX } else { 250 };
        for offset in invariants::cursor_offsets(text, budget) {
            invariants::check_at(&analysis, text, offset, &settings);
        }
        // Offsets that are past the end or inside a character are clamped, never trusted.
        for offset in [text.len() + 1, usize::MAX / 2] {
            invariants::check_at(&analysis, text, offset, &settings);
        }
    }
}

/// A mutation of a file, as an editor or a bad merge would make it.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the byte at (position mod length) by this ASCII byte.
    FlipByte(usize, u8),
    /// Replace the character near the position by a multi-byte one (or a blank that is not
    /// ASCII), as an invalid byte read leniently becomes U+FFFD.
    FlipChar(usize, char),
    /// Delete the line (mod line count).
    DeleteLine(usize),
    /// Duplicate the line (mod line count).
    DuplicateLine(usize),
    /// Insert a token at a character boundary near the position.
    Insert(usize, &'static str),
    /// Indent the line with a tab (YAML forbids tabs in indentation).
    TabIndent(usize),
    /// Cut the text at a character boundary near the position.
    Truncate(usize),
    /// Swap two lines.
    SwapLines(usize, usize),
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "'",
    "- ",
    "-",
    "? ",
    "&a ",
    "*a",
    "!!str ",
    "<<: *a\n",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "#",
    "\n",
    "\r\n",
    "\t",
    "  ",
    "null",
    "true",
    "1e999",
    "-0",
    "0x1F",
    "\"\\u",
    "\"\\ud800\"",
    "😀",
    "名",
    "\u{feff}",
    "\u{2028}",
    "\u{0}",
    "%YAML 1.2\n",
    "{\"a\":",
    "[[",
    "]]",
    "key: value\n",
    "  - name: x\n",
    "image: :latest",
    "apiVersion: v1\n",
    "kind: Pod\n",
    "containers:\n",
    "initContainers:\n",
    "restartPolicy: Always\n",
    "sideCars:",
    "traits:",
    "type: sidecar\n",
    "properties:",
    "volumeMounts:",
    "env:",
];

/// Characters of two, three and four bytes, and blanks that are not ASCII.
const WIDE: &[char] = &[
    'é', '名', '😀', '\u{fffd}', '\u{a0}', '\u{2028}', '\u{3000}',
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0x20u8..0x7f).prop_map(|(p, b)| Mutation::FlipByte(p, b)),
        (any::<usize>(), proptest::sample::select(WIDE))
            .prop_map(|(p, c)| Mutation::FlipChar(p, c)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), proptest::sample::select(TOKENS))
            .prop_map(|(p, t)| Mutation::Insert(p, t)),
        any::<usize>().prop_map(Mutation::TabIndent),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn floor(text: &str, at: usize) -> usize {
    sidecar_lsp::text::floor_char_boundary(text, at)
}

/// Apply `m` to `text`; returns the offset it touched.
fn apply(text: &mut String, m: &Mutation) -> usize {
    let len = text.len().max(1);
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let line_count = lines.len().max(1);
    let line_start = |lines: &[String], i: usize| lines[..i].iter().map(String::len).sum();
    match *m {
        Mutation::FlipByte(p, b) => {
            let at = floor(text, p % len);
            let width = text[at..].chars().next().map_or(0, char::len_utf8);
            text.replace_range(at..at + width, &(b as char).to_string());
            at
        }
        Mutation::FlipChar(p, c) => {
            let at = floor(text, p % len);
            let width = text[at..].chars().next().map_or(0, char::len_utf8);
            text.replace_range(at..at + width, &c.to_string());
            at + c.len_utf8()
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            let i = i % line_count;
            lines.remove(i);
            *text = lines.concat();
            line_start(&lines, i)
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let i = i % line_count;
            let mut line = lines[i].clone();
            if !line.ends_with('\n') {
                line.push('\n');
            }
            lines.insert(i, line);
            *text = lines.concat();
            line_start(&lines, i + 1)
        }
        Mutation::Insert(p, token) => {
            let at = floor(text, p % len);
            text.insert_str(at, token);
            at + token.len()
        }
        Mutation::TabIndent(i) if !lines.is_empty() => {
            let i = i % line_count;
            let indent = lines[i].len() - lines[i].trim_start_matches(' ').len();
            let rest = lines[i][indent..].to_string();
            lines[i] = format!("{}\t{rest}", " ".repeat(indent / 2));
            *text = lines.concat();
            line_start(&lines, i) + indent / 2 + 1
        }
        Mutation::Truncate(p) => {
            let at = floor(text, p % len);
            text.truncate(at);
            at
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            lines.swap(a % line_count, b % line_count);
            *text = lines.concat();
            line_start(&lines, a % line_count)
        }
        _ => 0,
    }
}

const BOM: char = '\u{feff}';

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Random stacks of one to four mutations of random files: analysis, features and render.
#[test]
fn mutated_files_never_panic() {
    let inputs = inputs();
    let strategy = (0..inputs.len(), proptest::collection::vec(mutation(), 1..5));
    runner(1500)
        .run(&strategy, |(file, mutations)| {
            let input = &inputs[file];
            let mut text = input.text.clone();
            let mut around = 0;
            for m in &mutations {
                around = apply(&mut text, m);
            }
            check_mutant(&text, &input.name, around);
            Ok(())
        })
        .unwrap();
}

/// Every line of every YAML file indented with a tab in turn (a sample of long files).
#[test]
fn tabs_in_yaml_indentation_never_panic() {
    let settings = Settings::default();
    for input in inputs().iter().filter(|i| !i.name.ends_with(".json")) {
        let line_count = input.text.lines().count();
        let step = line_count / 20 + 1;
        for i in (0..line_count).step_by(step) {
            let mut text = input.text.clone();
            let at = apply(&mut text, &Mutation::TabIndent(i));
            let analysis = invariants::check_analysis(&text, &input.name, &settings);
            invariants::check_at(&analysis, &text, at, &settings);
        }
    }
}

/// Bytes that are not UTF-8, NULs and byte-order marks go through lint's reading path (the
/// analysis takes `&str`): either a clear error or a text that analyses without panicking.
#[test]
fn arbitrary_bytes_through_lints_reading_path_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = inputs();
    let strategy = (
        0..inputs.len(),
        proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        any::<bool>(),
    );
    let n = std::sync::atomic::AtomicUsize::new(0);
    runner(200)
        .run(&strategy, |(file, flips, bom)| {
            let input = &inputs[file];
            let mut bytes = input.text.clone().into_bytes();
            for (at, byte) in flips {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = byte;
                }
            }
            if bom {
                bytes.splice(0..0, [0xef, 0xbb, 0xbf]);
            }
            let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.path().join(format!("{n}-{}", input.name));
            std::fs::write(&path, &bytes).unwrap();
            match sidecar_lsp::lint::read_named(path.to_str().unwrap(), None) {
                Ok((_, analysis_path, text)) => {
                    prop_assert!(std::str::from_utf8(&bytes).is_ok());
                    prop_assert!(!text.starts_with(BOM), "a BOM left in the text");
                    let name = analysis_path.unwrap();
                    check_mutant(&text, &name, text.len() / 2);
                }
                Err(e) => {
                    prop_assert!(
                        e.message.contains("UTF-8") || e.message.contains("binary"),
                        "unexpected error {e:?}"
                    );
                    prop_assert!(std::str::from_utf8(&bytes).is_err() || bytes.contains(&0));
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Run `f` on a thread with the stack the server's analyses get (2 MiB: tokio's blocking pool
/// and rayon's threads), in a debug build whose frames are several times larger than release's.
/// Unbounded recursion over a deep tree would overflow it.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow or panic");
}

fn deep_texts(levels: usize) -> Vec<(&'static str, String)> {
    let mut block_map = String::new();
    for i in 0..levels.min(1500) {
        block_map.push_str(&" ".repeat(i));
        block_map.push_str("a:\n");
    }
    vec![
        ("deep.json", "[".repeat(levels) + &"]".repeat(levels)),
        (
            "deep.json",
            "{\"a\":".repeat(levels) + "1" + &"}".repeat(levels),
        ),
        // Unclosed: the half-typed case.
        ("deep.json", "{\"spec\":".repeat(levels)),
        ("deep.yaml", "[".repeat(levels) + &"]".repeat(levels)),
        (
            "deep.yaml",
            "{a: ".repeat(levels) + "1" + &"}".repeat(levels),
        ),
        ("deep.yaml", "- ".repeat(levels) + "x\n"),
        ("deep.yaml", block_map),
        (
            "deep.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: x\n      image: y\n      env: {}1{}\n",
                "[".repeat(levels),
                "]".repeat(levels)
            ),
        ),
    ]
}

/// 10,000 levels of nesting in JSON and YAML: analysed, with every feature and the renderer,
/// on a small stack, and reported once at the first node past [`MAX_DEPTH`].
#[test]
fn ten_thousand_levels_of_nesting_neither_overflow_nor_go_unreported() {
    for (name, text) in deep_texts(10_000) {
        on_small_stack(move || {
            let settings = Settings::default();
            let analysis = invariants::check_analysis(&text, name, &settings);
            let too_deep: Vec<_> = analysis
                .syntax
                .errors
                .iter()
                // Ours past MAX_DEPTH, or the YAML parser's own (at 255 levels).
                .filter(|e| e.kind == sidecar_lsp::syntax::SyntaxErrorKind::TooDeep)
                .collect();
            assert!(
                !too_deep.is_empty() || text.matches("a:").count() < MAX_DEPTH,
                "{name}: no nesting error in {:?}",
                &text[..60.min(text.len())]
            );
            invariants::check_document_features(&analysis, &text, &settings);
            invariants::check_render(&analysis, &text, text.len() / 2, &settings);
            for offset in [0, 1, MAX_DEPTH * 5, text.len() / 2, text.len()] {
                invariants::check_at(&analysis, &text, offset, &settings);
            }
        });
    }
}

/// A YAML alias bomb (each level doubles the last, 2^30 nodes if expanded) costs an error, not
/// memory or time.
#[test]
fn a_yaml_alias_bomb_is_bounded() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    l0: &l0 [x, x]\n",
    );
    for i in 1..30 {
        let p = i - 1;
        text.push_str(&format!("    l{i}: &l{i} [*l{p}, *l{p}]\n"));
    }
    text.push_str("spec:\n  containers:\n    - name: x\n      image: y\n      args: *l29\n");
    let started = std::time::Instant::now();
    on_small_stack(move || {
        let settings = Settings::default();
        let analysis = invariants::check_analysis(&text, "bomb.yaml", &settings);
        assert!(
            analysis
                .syntax
                .errors
                .iter()
                .any(|e| e.message.contains("alias")),
            "{:?}",
            analysis.syntax.errors
        );
        invariants::check_document_features(&analysis, &text, &settings);
        invariants::check_render(&analysis, &text, text.len() - 3, &settings);
        invariants::check_at(&analysis, &text, text.len() - 3, &settings);
    });
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

/// Random edit scripts through the server's document store, in process, in each column unit:
/// after every edit its text equals the `String` model's (`support/edit_model.rs`), and a
/// request's position (converted by the line index, as the server converts it) lands where an
/// edit at that position would.
#[test]
fn edit_scripts_through_the_document_store_follow_the_model() {
    use sidecar_lsp::lsp::documents::DocumentStore;
    use sidecar_lsp::text::{ColumnUnit, LineCol, LineIndex};
    use tower_lsp_server::ls_types::{Position, Range, Uri};

    let units = [
        (edit_model::Unit::Utf16, ColumnUnit::Utf16),
        (edit_model::Unit::Utf8, ColumnUnit::Utf8),
        (edit_model::Unit::Char, ColumnUnit::Char),
    ];
    let mut rng = edit_model::Lcg(0x5eed);
    for script in 0..300 {
        let (unit, column_unit) = units[script % units.len()];
        let store = DocumentStore::default();
        let uri: Uri = "file:///r/script.yaml".parse().unwrap();
        let mut model = String::new();
        for _ in 0..rng.below(12) {
            model.push_str(rng.atom());
        }
        store.open(uri.clone(), 1, &model);
        for step in 0..40 {
            let (range, text) = edit_model::random_edit(&mut rng, &model);
            let lsp_range = range.map(|((l0, c0), (l1, c1))| Range {
                start: Position::new(l0, c0),
                end: Position::new(l1, c1),
            });
            store
                .lock()
                .get_mut(&uri)
                .unwrap()
                .apply_change(lsp_range, &text, column_unit);
            let before = model.clone();
            edit_model::apply(&mut model, range, &text, unit);
            let got = store.lock().get_mut(&uri).unwrap().text();
            assert_eq!(
                &*got, model,
                "script {script} step {step}: {range:?} {text:?} on {before:?} ({unit:?})"
            );
            let index = LineIndex::new(&got);
            let (line, col) = (rng.below(8) as u32, rng.below(14) as u32);
            assert_eq!(
                index.offset(&got, LineCol { line, col }, column_unit),
                edit_model::offset(&got, line, col, unit),
                "({line}, {col}) in {got:?} ({unit:?})"
            );
        }
    }
}

/// Every input a fuzz target once crashed on (`tests/fixtures/fuzz/<target>/`), replayed
/// through the same target body.
#[test]
fn fuzz_findings_stay_fixed() {
    // `SIDECAR_LSP_FUZZ_ARTIFACTS=fuzz/artifacts` replays a run's crashes instead (triage).
    let dir = match std::env::var_os("SIDECAR_LSP_FUZZ_ARTIFACTS") {
        Some(dir) => PathBuf::from(dir),
        None => files::repo_root().join("tests/fixtures/fuzz"),
    };
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 3] = [
        ("analysis", invariants::fuzz_analysis),
        ("render", invariants::fuzz_render),
        ("session", session::fuzz_session),
    ];
    let mut replayed = 0;
    let mut failed = Vec::new();
    for (target, run) in targets {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            let name = format!("{target}/{}", entry.file_name().to_string_lossy());
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                failed.push(name);
            }
            replayed += 1;
        }
    }
    assert!(failed.is_empty(), "still crashing: {failed:?}");
    assert!(replayed >= 2, "no fuzz findings in {}", dir.display());
}
