//! Which files to lint: paths, directories (recursed, honouring `.gitignore`), globs, and stdin.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use ignore::WalkBuilder;

/// Extensions linted when a directory or glob is walked.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// One input of a lint run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// A file on disk; `true` when it was named on the command line (not found by a walk).
    File(PathBuf, bool),
    /// Standard input, shown (and detected) under this name.
    Stdin(Option<String>),
}

/// A path that named nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The argument as given.
    pub argument: String,
    /// What went wrong.
    pub message: String,
}

/// Expand command-line arguments into inputs. Files named explicitly are always linted; files
/// found by walking must have a YAML or JSON extension and not be ignored by `.gitignore`.
pub fn collect(
    arguments: &[String],
    stdin_filename: Option<&str>,
) -> (Vec<Input>, Vec<InputError>) {
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut named: BTreeSet<PathBuf> = BTreeSet::new();
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let arguments: Vec<String> = if arguments.is_empty() {
        vec![".".to_string()]
    } else {
        arguments.to_vec()
    };
    for argument in &arguments {
        if argument == "-" {
            inputs.push(Input::Stdin(stdin_filename.map(str::to_string)));
            continue;
        }
        let path = Path::new(argument);
        if path.is_file() {
            files.insert(path.to_path_buf());
            named.insert(path.to_path_buf());
        } else if path.is_dir() {
            walk(path, None, &mut files, &mut errors);
        } else if is_glob(argument) {
            match Glob::new(argument) {
                Ok(glob) => {
                    let base = glob_base(argument);
                    let before = files.len();
                    walk(&base, Some(glob.compile_matcher()), &mut files, &mut errors);
                    if files.len() == before {
                        errors.push(InputError {
                            argument: argument.clone(),
                            message: "the pattern matches no YAML or JSON file".into(),
                        });
                    }
                }
                Err(e) => errors.push(InputError {
                    argument: argument.clone(),
                    message: format!("invalid glob: {e}"),
                }),
            }
        } else {
            let message = not_a_file(path);
            errors.push(InputError {
                argument: argument.clone(),
                message,
            });
        }
    }
    inputs.extend(files.into_iter().map(|f| {
        let explicit = named.contains(&f);
        Input::File(f, explicit)
    }));
    (inputs, errors)
}

/// Why `path`, which is neither a file nor a directory, cannot be linted.
fn not_a_file(path: &Path) -> String {
    let kind = match std::fs::symlink_metadata(path) {
        Err(e) => return e.to_string(),
        Ok(m) => m.file_type(),
    };
    if kind.is_symlink() {
        return match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                "a broken symbolic link (its target does not exist)".to_string()
            }
            // A loop among them ("too many levels of symbolic links").
            Err(e) => format!("a symbolic link that cannot be followed: {e}"),
            Ok(_) => "a symbolic link to something that is not a file".to_string(),
        };
    }
    format!("{}, not a regular file or directory", special_kind(&kind))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "something else"
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// The directory a glob can start walking from: its literal leading components.
fn glob_base(glob: &str) -> PathBuf {
    let mut base = PathBuf::new();
    for component in glob.split('/') {
        if is_glob(component) {
            break;
        }
        base.push(if component.is_empty() { "/" } else { component });
    }
    if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    }
}

/// Collect the wanted files under `root`; directories that cannot be read are reported.
fn walk(
    root: &Path,
    matcher: Option<GlobMatcher>,
    out: &mut BTreeSet<PathBuf>,
    errors: &mut Vec<InputError>,
) {
    let walker = WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(walk_error(root, &e));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let wanted_extension = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if !wanted_extension {
            continue;
        }
        if let Some(m) = &matcher {
            let relative = path.strip_prefix("./").unwrap_or(path);
            if !m.is_match(relative) && !m.is_match(path) {
                continue;
            }
        }
        out.insert(path.strip_prefix("./").unwrap_or(path).to_path_buf());
    }
}

/// A walk error as an input error about the path it concerns.
fn walk_error(root: &Path, error: &ignore::Error) -> InputError {
    fn parts(error: &ignore::Error) -> (Option<&Path>, String) {
        match error {
            ignore::Error::WithPath { path, err } => (Some(path), parts(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                parts(err)
            }
            other => (None, other.to_string()),
        }
    }
    let (path, message) = parts(error);
    InputError {
        argument: path.unwrap_or(root).display().to_string(),
        message: format!("cannot read: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_bases() {
        assert_eq!(glob_base("examples/**/*.json"), PathBuf::from("examples"));
        assert_eq!(glob_base("*.yaml"), PathBuf::from("."));
        assert_eq!(glob_base("/abs/dir/*.yaml"), PathBuf::from("/abs/dir"));
    }

    #[test]
    fn walks_directories_and_globs_honouring_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.yaml"), "a: 1").unwrap();
        std::fs::write(root.join("sub/b.json"), "{}").unwrap();
        std::fs::write(root.join("sub/c.txt"), "x").unwrap();
        std::fs::write(root.join("ignored.yaml"), "a: 1").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored.yaml\n").unwrap();
        let (inputs, errors) = collect(&[root.display().to_string()], None);
        assert!(errors.is_empty());
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::File(p, _) => p.file_name().unwrap().to_string_lossy().into_owned(),
                Input::Stdin(_) => "-".into(),
            })
            .collect();
        assert_eq!(names, ["a.yaml", "b.json"]);
        let (inputs, _) = collect(&[format!("{}/**/*.json", root.display())], None);
        assert_eq!(inputs.len(), 1);
        let (_, errors) = collect(&[root.join("missing.yaml").display().to_string()], None);
        assert_eq!(errors.len(), 1);
    }
}
