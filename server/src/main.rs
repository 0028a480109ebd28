//! The `sidecar-lsp` command: the language server (the default), lint, render, explain, rule
//! docs, schemas and shell completions.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use sidecar_lsp::diagnostic::{Dialect, KubeVersion};
use sidecar_lsp::lint::{self, LintOptions, OutputFormat};
use sidecar_lsp::render;
use sidecar_lsp::rules::registry;
use sidecar_lsp::schema;

/// Language server and CI linter for Kubernetes sidecar specs: HKube, KubeVela, Calyptia and
/// plain Kubernetes.
#[derive(Parser)]
#[command(
    name = "sidecar-lsp",
    version,
    long_version = long_version(),
    about,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdio (what running with no subcommand does).
    Serve(ServeArgs),
    /// Check files, directories or globs (`-` reads standard input).
    ///
    /// Exit status: 0 no errors; 1 errors (or warnings with --deny-warnings); 2 usage, config or
    /// I/O errors (a file that cannot be read is reported and the others are still linted).
    Lint(LintArgs),
    /// List every rule: code, name, default severity, what it reports.
    Rules {
        /// Print a markdown table instead.
        #[arg(long)]
        markdown: bool,
        /// Write the rules reference into DIR instead: one page per rule (`K101.md`…) and an
        /// index (`README.md`); the files of docs/rules/ are made this way.
        #[arg(long, value_name = "DIR", conflicts_with = "markdown")]
        docs: Option<PathBuf>,
    },
    /// Show the documentation of one rule (by code or name).
    Rule {
        /// A code such as K101, or a name such as container-name-invalid.
        code: String,
    },
    /// Print the pod each platform would run for FILE (`-` reads standard input), after its
    /// defaults, with a header saying what was filled in or assumed.
    ///
    /// Exit status: 0 rendered; 1 a document whose errors keep its platform from producing a pod
    /// (its diagnostics go to stderr); 2 usage, config or I/O errors, or nothing to render.
    Render(RenderArgs),
    /// Describe a field, offline, as `kubectl explain` does: type, default (the platform's
    /// too), allowed values, whether it is required, its description, what the platform does
    /// with it, and the fields below it.
    ///
    /// PATH starts with a dialect (`hkube`, `kubevela`, `kubevela.sidecar` for the sidecar
    /// trait's properties, `calyptia`) or a Kubernetes kind (`pod`, `deployment`,
    /// `networking.k8s.io/v1/Ingress`), then keys; lists are transparent
    /// (`pod.spec.containers.image`). Exit status: 0 explained; 2 an unknown path (with the
    /// closest name).
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// For example `sidecar-lsp completions bash > ~/.local/share/bash-completion/completions/sidecar-lsp`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print one of our JSON Schemas (`--list` shows the names).
    Schema {
        /// hkube-algorithm, kubevela-sidecar-trait, calyptia-sidecar, kubernetes-definitions, or a
        /// Kubernetes kind (Deployment, apps/v1/Deployment…).
        name: Option<String>,
        /// List the available schema names.
        #[arg(long)]
        list: bool,
        /// The Kubernetes version (1.33–1.37) of Kubernetes schemas.
        #[arg(long, value_parser = parse_version)]
        kube_version: Option<KubeVersion>,
    },
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files, directories (searched for *.yaml, *.yml, *.json, honouring .gitignore), globs, or
    /// `-` for standard input. Default: the current directory.
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// The Kubernetes version to check against (1.25–1.37; schemas for 1.33–1.37).
    #[arg(long, value_parser = parse_version)]
    kube_version: Option<KubeVersion>,
    /// Use this config file instead of the nearest sidecar-lsp.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Treat every document as this dialect.
    #[arg(long, value_parser = parse_dialect)]
    dialect: Option<Dialect>,
    /// The file name to use for standard input (for dialect detection and messages).
    #[arg(long)]
    stdin_filename: Option<String>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Also write the findings as SARIF 2.1.0 to FILE: one analysis, two
    /// outputs, e.g. `--format github --sarif-file results.sarif` in GitHub Actions.
    #[arg(long, value_name = "FILE")]
    sarif_file: Option<PathBuf>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::Args)]
struct RenderArgs {
    /// An HKube algorithm, KubeVela Application, Calyptia sidecar spec or Kubernetes workload.
    file: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = render::OutputFormat::Yaml)]
    format: render::OutputFormat,
    /// Render only this document of a YAML stream (numbered from 0).
    #[arg(long)]
    document: Option<usize>,
    /// The Kubernetes version to render for.
    #[arg(long, value_parser = parse_version)]
    kube_version: Option<KubeVersion>,
    /// Use this config file instead of the nearest sidecar-lsp.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Treat every document as this dialect.
    #[arg(long, value_parser = parse_dialect)]
    dialect: Option<Dialect>,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// What to explain: `hkube.sideCars.container.resources`, `kubevela.sidecar.volumes`,
    /// `calyptia.ports`, `pod.spec.initContainers.restartPolicy`…
    path: String,
    /// List the fields below to the bottom (names and types only).
    #[arg(long)]
    recursive: bool,
    /// The Kubernetes version whose schemas describe it (1.25–1.37; schemas for 1.33–1.37).
    #[arg(long, value_parser = parse_version)]
    kube_version: Option<KubeVersion>,
    /// Use this config file (its Kubernetes version and [hkube] defaults) instead of the
    /// nearest sidecar-lsp.toml to the working directory.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExplainFormat {
    /// Sections in the manner of `kubectl explain`.
    Text,
    /// One JSON object.
    Json,
}

/// `--version`: the version and the Kubernetes versions it knows.
fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\nKubernetes schemas: {}–{} (default {}); --kube-version accepts {}–{}",
            env!("CARGO_PKG_VERSION"),
            KubeVersion::OLDEST_SCHEMA,
            KubeVersion::LATEST,
            KubeVersion::default(),
            KubeVersion::OLDEST,
            KubeVersion::LATEST,
        )
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    /// When standard output is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

fn parse_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text)
}

fn parse_dialect(text: &str) -> Result<Dialect, String> {
    Dialect::parse(text).ok_or_else(|| {
        format!("unknown dialect `{text}`: use hkube, kubevela, calyptia or kubernetes")
    })
}

/// Options of the language server.
#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Log level or filter for the server's log on stderr (error, warn, info, debug, trace);
    /// the SIDECAR_LSP_LOG environment variable does the same.
    #[arg(long, value_name = "FILTER")]
    log_level: Option<String>,
    /// Accepted for clients that pass it; stdio is the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

fn serve_command(args: ServeArgs) -> ExitCode {
    let filter = args
        .log_level
        .or_else(|| std::env::var("SIDECAR_LSP_LOG").ok())
        .unwrap_or_else(|| "warn".into());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|e| {
        eprintln!("sidecar-lsp: invalid log filter `{filter}` ({e}); using `warn`");
        tracing_subscriber::EnvFilter::new("warn")
    });
    // Logs go to stderr: stdout carries the protocol.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    match sidecar_lsp::lsp::run_stdio() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("sidecar-lsp: cannot start the server: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    sidecar_lsp::threads::init_pool();
    let Some(command) = cli.command else {
        return serve_command(ServeArgs::default());
    };
    match command {
        Command::Serve(args) => serve_command(args),
        Command::Lint(args) => lint_command(args),
        Command::Render(args) => render_command(args),
        Command::Rules {
            docs: Some(dir), ..
        } => write_rule_docs(&dir),
        Command::Rules { markdown, .. } => {
            let text = if markdown {
                registry::markdown_table()
            } else {
                registry::table()
            };
            print(&text)
        }
        Command::Rule { code } => match registry::find(&code) {
            Some(meta) => print(&registry::doc_markdown(meta)),
            None => {
                eprintln!("error: unknown rule `{code}` (see `sidecar-lsp rules`)");
                ExitCode::from(2)
            }
        },
        Command::Explain(args) => explain_command(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sidecar-lsp", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Command::Schema {
            name,
            list,
            kube_version,
        } => {
            let version = kube_version.unwrap_or_default();
            if list || name.is_none() {
                return print(&(schema::schema_names(version).join("\n") + "\n"));
            }
            let name = name.unwrap_or_default();
            match schema::named_schema(&name, version) {
                Some(text) => print(&text),
                None => {
                    eprintln!("error: no schema named `{name}` (see `sidecar-lsp schema --list`)");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn lint_command(args: LintArgs) -> ExitCode {
    let options = LintOptions {
        paths: args.paths,
        kube_version: args.kube_version,
        config: args.config,
        dialect: args.dialect,
        stdin_filename: args.stdin_filename,
    };
    let run = lint::run(&options);
    for error in &run.errors {
        eprintln!("error: {}: {}", error.subject, error.message);
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    if let Some(file) = &args.sarif_file {
        let sarif = lint::output::render(&run, OutputFormat::Sarif, false);
        if let Err(e) = std::fs::write(file, sarif) {
            eprintln!(
                "error: {}: cannot write the SARIF file: {e}",
                file.display()
            );
            return ExitCode::from(2);
        }
    }
    let text = lint::output::render(&run, args.format, color);
    let code = run.exit_code(args.deny_warnings);
    match print(&text) {
        c if c == ExitCode::SUCCESS => ExitCode::from(code),
        failure => failure,
    }
}

/// `sidecar-lsp render`: read one file as `lint` would, analyse it under the same settings, print
/// the rendered pod.
fn render_command(args: RenderArgs) -> ExitCode {
    use sidecar_lsp::lint::{FileReport, LintRun};
    let fail = |e: lint::RunError| {
        eprintln!("error: {}: {}", e.subject, e.message);
        ExitCode::from(2)
    };
    let (shown, path, text) = match lint::read_named(&args.file, None) {
        Ok(read) => read,
        Err(e) => return fail(e),
    };
    let options = LintOptions {
        paths: Vec::new(),
        kube_version: args.kube_version,
        config: args.config,
        dialect: args.dialect,
        stdin_filename: None,
    };
    let mut settings = match lint::settings_for(path.as_deref().map(Path::new), &options) {
        Ok(settings) => settings,
        Err(e) => return fail(e),
    };
    settings.report_unrecognised = true;
    let analysis = sidecar_lsp::analyze(&text, path.as_deref(), &settings);
    match render::render(&analysis, &text, args.document, &settings) {
        Ok(rendered) => print(&rendered.text(args.format)),
        Err(render::RenderError::Blocked {
            reason,
            diagnostics,
            ..
        }) => {
            eprintln!("error: {shown}: cannot render: {reason}");
            let diagnostics = diagnostics
                .into_iter()
                .map(|d| lint::locate(d, &text, &analysis.line_index))
                .collect();
            let run = LintRun {
                files: vec![FileReport {
                    path: shown,
                    text: text.clone(),
                    diagnostics,
                }],
                errors: Vec::new(),
            };
            eprint!("{}", lint::output::render(&run, OutputFormat::Human, false));
            ExitCode::from(1)
        }
        Err(e) => fail(lint::RunError {
            subject: shown,
            message: e.to_string(),
        }),
    }
}

/// `sidecar-lsp explain`.
fn explain_command(args: ExplainArgs) -> ExitCode {
    let options = LintOptions {
        kube_version: args.kube_version,
        config: args.config,
        ..LintOptions::default()
    };
    let settings = match lint::settings_for(None, &options) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {}: {}", e.subject, e.message);
            return ExitCode::from(2);
        }
    };
    match sidecar_lsp::explain::explain(&args.path, &settings, args.recursive) {
        Ok(explanation) => print(&match args.format {
            ExplainFormat::Text => explanation.text(),
            ExplainFormat::Json => explanation.json(),
        }),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `sidecar-lsp rules --docs DIR`: one page per rule and the index.
fn write_rule_docs(dir: &Path) -> ExitCode {
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        registry::rule_pages()
            .into_iter()
            .try_for_each(|(name, text)| std::fs::write(dir.join(name), text))
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}
