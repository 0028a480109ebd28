//! `sidecar-schema-gen [--check] [--out DIR]`: writes (or, with `--check`, compares) this
//! build's Kubernetes schemas and, in the default `v1_37` build, the dialect schemas.

use std::path::PathBuf;
use std::process::ExitCode;

use sidecar_schema_gen::{
    KUBE_VERSION, REGENERATE_HINT, check_files, default_schemas_dir, generate, write_files,
};

const USAGE: &str = "usage: sidecar-schema-gen [--check] [--out DIR]

Generates the JSON Schemas for the Kubernetes version compiled in (select it with
`--no-default-features --features v1_XX`) into DIR (default: the source tree's schemas/).
  --check    compare instead of writing; exit 1 if anything differs";

fn main() -> ExitCode {
    let mut check = false;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--out" => match args.next() {
                Some(dir) => out = Some(dir.into()),
                None => return usage_error("--out needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let root = out.unwrap_or_else(default_schemas_dir);
    let files = generate();
    if check {
        return match check_files(&root, &files) {
            Ok(problems) if problems.is_empty() => {
                println!(
                    "{} schema files for Kubernetes {KUBE_VERSION} are up to date",
                    files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(problems) => {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                eprintln!("{REGENERATE_HINT}");
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("error: reading {}: {error}", root.display());
                ExitCode::FAILURE
            }
        };
    }
    match write_files(&root, &files) {
        Ok(()) => {
            let bytes: usize = files.iter().map(|file| file.contents.len()).sum();
            println!(
                "wrote {} files ({bytes} bytes) for Kubernetes {KUBE_VERSION} under {}",
                files.len(),
                root.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: writing under {}: {error}", root.display());
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
