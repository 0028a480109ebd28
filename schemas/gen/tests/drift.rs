//! The committed schemas must equal what this build generates (its Kubernetes version, plus
//! the dialect schemas in the 1.37 build). `UPDATE_SCHEMAS=1` rewrites them instead.

use sidecar_schema_gen::{
    KUBE_VERSION, REGENERATE_HINT, check_files, default_schemas_dir, generate, write_files,
};

#[test]
fn committed_schemas_match_the_generator() {
    let root = default_schemas_dir();
    let files = generate();
    if std::env::var_os("UPDATE_SCHEMAS").is_some_and(|v| !v.is_empty() && v != "0") {
        write_files(&root, &files).expect("write schemas");
        eprintln!(
            "UPDATE_SCHEMAS: rewrote {} files for Kubernetes {KUBE_VERSION} under {}",
            files.len(),
            root.display()
        );
        return;
    }
    let mut problems = check_files(&root, &files).expect("read committed schemas");
    const SHOWN: usize = 20;
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        problems.truncate(SHOWN);
        problems.push(format!("… and {more} more"));
    }
    assert!(
        problems.is_empty(),
        "the committed schemas under {} are out of date for Kubernetes {KUBE_VERSION}:\n  {}\n\
         {REGENERATE_HINT}; for another version add `--no-default-features --features v1_XX`",
        root.display(),
        problems.join("\n  ")
    );
}
