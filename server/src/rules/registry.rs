//! Every rule, and the docs generated from them (`sidecar-lsp rules`, `sidecar-lsp rule CODE`).

use std::sync::OnceLock;

use super::{Origin, Rule, RuleMeta};

/// Every rule, in code order within each origin.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules: Vec<&'static Rule> = vec![
            &super::syntax::SYNTAX_ERROR,
            &super::syntax::DUPLICATE_KEY,
            &super::syntax::UNKNOWN_FIELD,
            &super::syntax::WRONG_TYPE,
            &super::syntax::REQUIRED_FIELD,
            &super::syntax::UNSUPPORTED_VALUE,
            &super::syntax::INVALID_VALUE,
            &super::syntax::API_VERSION_NOT_SERVED,
            &super::syntax::MISSING_API_VERSION_OR_KIND,
            &super::syntax::INVALID_DIRECTIVE,
        ];
        rules.extend_from_slice(super::k8s::RULES);
        rules.extend_from_slice(super::pod::RULES);
        rules.extend_from_slice(super::hkube::RULES);
        rules.extend_from_slice(super::kubevela::RULES);
        rules.extend_from_slice(super::calyptia::RULES);
        rules.extend_from_slice(super::best_practice::RULES);
        rules
    })
}

/// The rule with this code or name (codes are case-insensitive).
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    all()
        .iter()
        .map(|r| &r.meta)
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

/// The metadata of `code` (which must exist).
pub fn meta(code: &str) -> &'static RuleMeta {
    find(code).unwrap_or_else(|| panic!("unknown rule code {code}"))
}

/// The doc of one rule, as markdown.
pub fn doc_markdown(meta: &RuleMeta) -> String {
    let mut out = format!("# {} `{}`\n\n{}\n\n", meta.code, meta.name, meta.summary);
    let dialects = if meta.dialects.is_empty() {
        "all".to_string()
    } else {
        meta.dialects
            .iter()
            .map(|d| d.title())
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "- **Group:** {}\n- **Default severity:** {}\n- **Dialects:** {}\n\n",
        meta.origin.title(),
        meta.severity,
        dialects
    ));
    out.push_str(&format!(
        "## Why\n\n{}\n\n## Mirrors\n\n{}\n",
        meta.why, meta.mirrors
    ));
    if let Some(example) = meta.example {
        let fence = |file: &str| {
            if file.ends_with(".json") {
                "json"
            } else {
                "yaml"
            }
        };
        out.push_str(&format!(
            "\n## Example\n\n`{}`:\n\n```{}\n{}\n```\n",
            example.file,
            fence(example.file),
            example.bad.trim_end()
        ));
        let good_file = if example.good_file.is_empty() {
            example.file
        } else {
            example.good_file
        };
        out.push_str(&format!(
            "\nUse instead{}:\n\n```{}\n{}\n```\n",
            if good_file != example.file {
                format!(" (`{good_file}`)")
            } else {
                String::new()
            },
            fence(good_file),
            example.good.trim_end()
        ));
        if !example.config.is_empty() {
            out.push_str(&format!(
                "\nWith this `sidecar-lsp.toml`:\n\n```toml\n{}\n```\n",
                example.config.trim_end()
            ));
        }
    }
    out
}

/// A plain-text table of every rule: code, name, severity, dialects, summary.
pub fn table() -> String {
    let mut out = String::new();
    let mut origin: Option<Origin> = None;
    for rule in all() {
        let m = &rule.meta;
        if origin != Some(m.origin) {
            if origin.is_some() {
                out.push('\n');
            }
            out.push_str(&format!("{}\n", m.origin.title()));
            origin = Some(m.origin);
        }
        out.push_str(&format!(
            "  {:<5} {:<34} {:<8} {}\n",
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary
        ));
    }
    out
}

/// The rules table as markdown (for the README).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Code | Name | Severity | Dialects | What it reports |\n|---|---|---|---|---|\n",
    );
    for rule in all() {
        let m = &rule.meta;
        let dialects = if m.dialects.is_empty() {
            "all".to_string()
        } else {
            m.dialects
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            m.code,
            m.name,
            m.severity,
            dialects,
            m.summary.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in all() {
            assert!(codes.insert(r.meta.code), "duplicate code {}", r.meta.code);
            assert!(names.insert(r.meta.name), "duplicate name {}", r.meta.name);
            assert!(
                r.meta
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.meta.name
            );
            assert!(
                !r.meta.why.is_empty() && !r.meta.mirrors.is_empty(),
                "{} lacks docs",
                r.meta.code
            );
            assert!(r.meta.example.is_some(), "{} lacks an example", r.meta.code);
        }
    }

    #[test]
    fn every_code_constant_has_a_rule() {
        let text = include_str!("codes.rs");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub const ") {
                let code = rest.split('"').nth(1).expect("a quoted code");
                assert!(find(code).is_some(), "code {code} has no rule");
            }
        }
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("k101").map(|m| m.name), Some("container-name-invalid"));
        assert_eq!(find("duplicate-key").map(|m| m.code), Some("S002"));
        assert!(find("nope").is_none());
    }
}
