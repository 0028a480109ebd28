//! `sidecar-lint`: files and globs in, findings out in four formats, with exact exit codes.
//!
//! Files are read and analysed in parallel; every file gets the settings of its nearest
//! `sidecar-lsp.toml` (or `--config`) with command-line options on top. A file that cannot be read
//! is reported and the others are still linted.

pub mod inputs;
pub mod output;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::{self, ConfigError, Settings};
use crate::diagnostic::{Diagnostic, Dialect, KubeVersion, Severity};
use crate::text::{ColumnUnit, LineIndex};
use inputs::Input;

/// Files larger than this are reported, not read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How the findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Code frames for people, with a summary line.
    Human,
    /// One JSON document (`version: 1`), for tools.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

/// Options of one lint run.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Paths, directories, globs or `-`.
    pub paths: Vec<String>,
    /// `--kube-version`.
    pub kube_version: Option<KubeVersion>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--dialect`.
    pub dialect: Option<Dialect>,
    /// `--stdin-filename`.
    pub stdin_filename: Option<String>,
}

/// A finding with its 1-based line and character columns.
#[derive(Clone, Debug)]
pub struct Located {
    /// The finding.
    pub diagnostic: Diagnostic,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column, in characters.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive), in characters.
    pub end_column: usize,
}

/// The findings of one file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as shown (relative as given, or the stdin name).
    pub path: String,
    /// The file's text (for code frames).
    pub text: String,
    /// Findings, in position order.
    pub diagnostics: Vec<Located>,
}

/// A file or setting that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    /// What it is about (a path or an argument).
    pub subject: String,
    /// What went wrong.
    pub message: String,
}

/// Everything a lint run produced.
#[derive(Clone, Debug, Default)]
pub struct LintRun {
    /// One report per file read, in path order.
    pub files: Vec<FileReport>,
    /// Files and settings that could not be used.
    pub errors: Vec<RunError>,
}

impl LintRun {
    /// Count findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.diagnostic.severity == severity)
            .count()
    }

    /// The exit code: 2 when a file or setting could not be used, 1 when there are errors (or
    /// warnings with `deny_warnings`), else 0.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.count(Severity::Error) > 0
            || (deny_warnings && self.count(Severity::Warning) > 0)
        {
            1
        } else {
            0
        }
    }
}

/// Run the linter.
pub fn run(options: &LintOptions) -> LintRun {
    let (inputs, input_errors) = inputs::collect(&options.paths, options.stdin_filename.as_deref());
    let mut run = LintRun {
        files: Vec::new(),
        errors: input_errors
            .into_iter()
            .map(|e| RunError {
                subject: e.argument,
                message: e.message,
            })
            .collect(),
    };

    let explicit = match &options.config {
        Some(path) => match load_settings(path, options) {
            Ok(s) => Some(s),
            Err(e) => {
                run.errors.push(config_error(e));
                return run;
            }
        },
        None => None,
    };
    let cache: Mutex<HashMap<PathBuf, Result<Settings, ConfigError>>> = Mutex::new(HashMap::new());
    let settings_for = |path: Option<&Path>| -> Result<Settings, ConfigError> {
        if let Some(s) = &explicit {
            return Ok(s.clone());
        }
        match nearest_config(path) {
            None => Ok(cli_settings(Settings::default(), options)),
            Some(config_path) => {
                let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .entry(config_path.clone())
                    .or_insert_with(|| load_settings(&config_path, options))
                    .clone()
            }
        }
    };

    let results: Vec<Result<FileReport, RunError>> = inputs
        .par_iter()
        .map(|input| {
            let (display, analysis_path, text) = read_input(input)?;
            let mut settings = settings_for(match input {
                Input::File(p, _) => Some(p.as_path()),
                Input::Stdin(name) => name.as_deref().map(Path::new),
            })
            .map_err(config_error)?;
            // A file named on the command line gets its syntax errors even if unrecognised.
            settings.report_unrecognised = matches!(input, Input::File(_, true) | Input::Stdin(_));
            Ok(lint_text(
                display,
                &text,
                analysis_path.as_deref(),
                &settings,
            ))
        })
        .collect();
    for result in results {
        match result {
            Ok(report) => run.files.push(report),
            Err(e) => {
                if !run.errors.contains(&e) {
                    run.errors.push(e);
                }
            }
        }
    }
    run
}

/// Lint one text.
pub fn lint_text(
    display: String,
    text: &str,
    path: Option<&str>,
    settings: &Settings,
) -> FileReport {
    let analysis = crate::analyze(text, path, settings);
    let index = &analysis.line_index;
    let diagnostics = analysis
        .diagnostics
        .iter()
        .map(|d| locate(d.clone(), text, index))
        .collect();
    FileReport {
        path: display,
        text: text.to_string(),
        diagnostics,
    }
}

/// Read one input named on the command line (`-` is standard input, shown as `stdin_name`):
/// (shown path, path for analysis, text), with the same limits and checks as `lint`.
pub fn read_named(
    argument: &str,
    stdin_name: Option<&str>,
) -> Result<(String, Option<String>, String), RunError> {
    let input = if argument == "-" {
        Input::Stdin(stdin_name.map(str::to_string))
    } else {
        Input::File(PathBuf::from(argument), true)
    };
    read_input(&input)
}

/// The settings `lint` would use for the file at `path` (`None`: standard input): `--config`,
/// else the nearest `sidecar-lsp.toml` (from the file, else the working directory), with the
/// command-line options on top.
pub fn settings_for(path: Option<&Path>, options: &LintOptions) -> Result<Settings, RunError> {
    let config_path = options.config.clone().or_else(|| nearest_config(path));
    match config_path {
        Some(config_path) => load_settings(&config_path, options).map_err(config_error),
        None => Ok(cli_settings(Settings::default(), options)),
    }
}

/// The nearest config file for `path`, else for the working directory.
fn nearest_config(path: Option<&Path>) -> Option<PathBuf> {
    path.and_then(config::find_config).or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| config::find_config(&d.join("x")))
    })
}

/// A finding with its 1-based lines and character columns in `text`.
pub fn locate(diagnostic: Diagnostic, text: &str, index: &LineIndex) -> Located {
    let start = index.line_col(text, diagnostic.span.start as usize, ColumnUnit::Char);
    let end = index.line_col(text, diagnostic.span.end as usize, ColumnUnit::Char);
    Located {
        diagnostic,
        line: start.line as usize + 1,
        column: start.col as usize + 1,
        end_line: end.line as usize + 1,
        end_column: end.col as usize + 1,
    }
}

fn load_settings(path: &Path, options: &LintOptions) -> Result<Settings, ConfigError> {
    let mut settings = Settings::default();
    config::load(path, &mut settings)?;
    Ok(cli_settings(settings, options))
}

/// Command-line options win over the config file.
fn cli_settings(mut settings: Settings, options: &LintOptions) -> Settings {
    if let Some(v) = options.kube_version {
        settings.kube_version = v;
    }
    if let Some(d) = options.dialect {
        settings.dialect = Some(d);
    }
    settings
}

fn config_error(e: ConfigError) -> RunError {
    let subject = match (e.line, e.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path.display()),
        _ => e.path.display().to_string(),
    };
    RunError {
        subject,
        message: e.message,
    }
}

/// Read an input: (shown path, path for analysis, text).
fn read_input(input: &Input) -> Result<(String, Option<String>, String), RunError> {
    match input {
        Input::Stdin(name) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| RunError {
                    subject: "<stdin>".into(),
                    message: format!("cannot read standard input: {e}"),
                })?;
            let shown = name.clone().unwrap_or_else(|| "<stdin>".into());
            let text = decode(&shown, bytes)?;
            Ok((shown, name.clone(), text))
        }
        Input::File(path, _) => {
            let shown = path.display().to_string();
            let error = |message: String| RunError {
                subject: shown.clone(),
                message,
            };
            // Opened without blocking (a named pipe put in the file's place since it was found
            // would block the open for ever), then checked on the open handle.
            let file =
                open_without_blocking(path).map_err(|e| error(format!("cannot read: {e}")))?;
            let metadata = file
                .metadata()
                .map_err(|e| error(format!("cannot read: {e}")))?;
            if !metadata.is_file() {
                return Err(error("not a regular file".into()));
            }
            if metadata.len() > MAX_FILE_BYTES {
                return Err(error(format!(
                    "too large to lint ({} MiB; the limit is {} MiB)",
                    metadata.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                )));
            }
            // Read no more than the limit allows, whatever the size said (a file may grow).
            let mut bytes = Vec::with_capacity(metadata.len() as usize);
            file.take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| error(format!("cannot read: {e}")))?;
            let text = decode(&shown, bytes)?;
            Ok((shown.clone(), Some(shown), text))
        }
    }
}

/// Open `path` for reading; on Unix without waiting for a writer if it is a named pipe.
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn decode(shown: &str, bytes: Vec<u8>) -> Result<String, RunError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(RunError {
            subject: shown.to_string(),
            message: format!(
                "too large to lint (the limit is {} MiB)",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        });
    }
    if bytes.contains(&0) {
        return Err(RunError {
            subject: shown.to_string(),
            message: "a binary file (it contains NUL bytes), not YAML or JSON".into(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| RunError {
        subject: shown.to_string(),
        message: format!(
            "not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    // A byte-order mark is not part of the text: columns on the first line start after it.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
