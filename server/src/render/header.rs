//! The header every rendered object carries: which platform, which Kubernetes version, and what
//! the renderer filled in, assumed or left out, so that nothing is guessed silently.

use serde_json::{Map, Value as JsonValue};

use crate::diagnostic::{Dialect, KubeVersion};

/// One part of a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Facts the platform documents (or its code shows) that shaped the output.
    Documented,
    /// Values the platform (or Kubernetes) fills in that the input did not write.
    Defaults,
    /// What the research could not establish: the renderer's best reading, flagged.
    Assumed,
    /// Values only the running cluster knows, written as `<…>`.
    Placeholders,
    /// Parts of the real object that are not shown.
    Elided,
    /// Other things worth knowing about this pod.
    Notes,
}

impl Section {
    /// Every section, in the order they are printed.
    pub const ALL: [Section; 6] = [
        Section::Documented,
        Section::Defaults,
        Section::Assumed,
        Section::Placeholders,
        Section::Elided,
        Section::Notes,
    ];

    /// The heading in YAML comments.
    pub fn title(self) -> &'static str {
        match self {
            Section::Documented => "Documented",
            Section::Defaults => "Defaults applied",
            Section::Assumed => "Assumed",
            Section::Placeholders => "Placeholders (<…> is filled in by the cluster)",
            Section::Elided => "Not shown",
            Section::Notes => "Notes",
        }
    }

    /// The key in JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Section::Documented => "documented",
            Section::Defaults => "defaults",
            Section::Assumed => "assumed",
            Section::Placeholders => "placeholders",
            Section::Elided => "elided",
            Section::Notes => "notes",
        }
    }
}

/// What a rendered object is and how it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The dialect of the input.
    pub dialect: Dialect,
    /// The Kubernetes version rendered for.
    pub kube_version: KubeVersion,
    /// One line saying what the object is (`the Job HKube's task-executor creates for …`).
    pub title: String,
    /// The 1-based line of the input where the workload starts.
    pub line: Option<u32>,
    /// The items of each section, in the order they were added.
    pub items: Vec<(Section, String)>,
}

impl Header {
    /// An empty header.
    pub fn new(dialect: Dialect, kube_version: KubeVersion, title: impl Into<String>) -> Self {
        Header {
            dialect,
            kube_version,
            title: title.into(),
            line: None,
            items: Vec::new(),
        }
    }

    /// Add an item to `section` (once: a repeated item is dropped).
    pub fn add(&mut self, section: Section, item: impl Into<String>) {
        let item = item.into();
        if !self.items.iter().any(|(s, i)| *s == section && *i == item) {
            self.items.push((section, item));
        }
    }

    /// The items of one section.
    pub fn section(&self, section: Section) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter(move |(s, _)| *s == section)
            .map(|(_, i)| i.as_str())
    }

    /// The header as YAML comment lines, each ending in a newline.
    pub fn to_comment(&self) -> String {
        let mut out = String::new();
        let mut line = |text: &str| {
            for part in text.lines() {
                out.push_str(if part.is_empty() { "#" } else { "# " });
                out.push_str(part);
                out.push('\n');
            }
        };
        line(&format!(
            "{}: {}",
            self.dialect.title(),
            single_line(&self.title)
        ));
        line(&format!("Kubernetes {}", self.kube_version));
        if let Some(n) = self.line {
            line(&format!("Source: line {n}"));
        }
        for section in Section::ALL {
            let items: Vec<&str> = self.section(section).collect();
            if items.is_empty() {
                continue;
            }
            line(&format!("{}:", section.title()));
            for item in items {
                line(&format!("  - {}", single_line(item)));
            }
        }
        out
    }

    /// The header as a JSON object (empty sections left out).
    pub fn to_json(&self) -> JsonValue {
        let mut map = Map::new();
        map.insert("dialect".into(), self.dialect.as_str().into());
        map.insert(
            "kubernetesVersion".into(),
            self.kube_version.to_string().into(),
        );
        map.insert("title".into(), self.title.clone().into());
        if let Some(n) = self.line {
            map.insert("line".into(), n.into());
        }
        for section in Section::ALL {
            let items: Vec<JsonValue> = self.section(section).map(JsonValue::from).collect();
            if !items.is_empty() {
                map.insert(section.key().into(), JsonValue::Array(items));
            }
        }
        JsonValue::Object(map)
    }
}

/// Keep a comment on one line whatever the user's names contain.
fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_list_sections_in_order_and_skip_empty_ones() {
        let mut h = Header::new(Dialect::Hkube, KubeVersion::new(37), "the Job");
        h.add(Section::Notes, "a note");
        h.add(Section::Defaults, "cpu 0.1");
        h.add(Section::Defaults, "cpu 0.1");
        assert_eq!(
            h.to_comment(),
            "# HKube: the Job\n# Kubernetes 1.37\n# Defaults applied:\n#   - cpu 0.1\n# Notes:\n#   - a note\n"
        );
    }

    #[test]
    fn names_with_newlines_cannot_escape_the_comment() {
        let mut h = Header::new(Dialect::Kubevela, KubeVersion::new(33), "app \"a\nb\"");
        h.add(Section::Assumed, "x\ny");
        for line in h.to_comment().lines() {
            assert!(line.starts_with('#'), "{line:?}");
        }
    }

    #[test]
    fn json_has_only_the_sections_used() {
        let mut h = Header::new(Dialect::Calyptia, KubeVersion::new(37), "pod");
        h.add(Section::Assumed, "classic sidecar");
        let json = h.to_json();
        assert_eq!(json["assumed"][0], "classic sidecar");
        assert!(json.get("defaults").is_none());
        assert_eq!(json["kubernetesVersion"], "1.37");
    }
}
