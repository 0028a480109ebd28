//! Snippets: templates of whole sidecars and documents, rendered as block YAML, flow YAML or
//! JSON with snippet tab stops, and the escaping snippet text needs.

/// A snippet's shape, rendered as YAML or JSON.
pub(crate) enum Tpl {
    /// An object with its members in order.
    Object(Vec<(&'static str, Tpl)>),
    /// An array.
    List(Vec<Tpl>),
    /// A string tab stop with its placeholder.
    Stop(u8, &'static str),
    /// A fixed string.
    Text(&'static str),
}

/// Escape literal text for snippet syntax (`$`, `}`, `\`).
pub(crate) fn escape_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape one value of a `${1|a,b|}` choice.
pub(crate) fn escape_choice(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\' | ',' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ----- Templates -----

/// An HKube `sideCars` element (hkube.md §1.2: `container.name` and `image` are required).
pub(crate) fn hkube_sidecar() -> Tpl {
    Tpl::Object(vec![(
        "container",
        Tpl::Object(vec![
            ("name", Tpl::Stop(1, "sidecar")),
            ("image", Tpl::Stop(2, "image:tag")),
        ]),
    )])
}

/// A KubeVela `type: sidecar` trait (kubevela.md §1.3: `name` and `image` are required).
pub(crate) fn kubevela_sidecar_trait() -> Tpl {
    Tpl::Object(vec![
        ("type", Tpl::Text("sidecar")),
        (
            "properties",
            Tpl::Object(vec![
                ("name", Tpl::Stop(1, "sidecar")),
                ("image", Tpl::Stop(2, "image:tag")),
            ]),
        ),
    ])
}

/// A Kubernetes native sidecar: an init container with `restartPolicy: Always`
/// (kubernetes-rules.md §1).
pub(crate) fn native_sidecar() -> Tpl {
    Tpl::Object(vec![
        ("name", Tpl::Stop(1, "sidecar")),
        ("image", Tpl::Stop(2, "image:tag")),
        ("restartPolicy", Tpl::Text("Always")),
    ])
}

/// A Calyptia sidecar spec file (calyptia.md §3.2: `name` and `image` are required).
pub(crate) fn calyptia_spec() -> Tpl {
    Tpl::Object(vec![
        ("name", Tpl::Stop(1, "my-sidecar")),
        ("image", Tpl::Stop(2, "image:tag")),
    ])
}

/// An HKube algorithm with one sidecar.
pub(crate) fn hkube_algorithm() -> Tpl {
    Tpl::Object(vec![
        ("name", Tpl::Stop(1, "my-algorithm")),
        ("algorithmImage", Tpl::Stop(2, "image:tag")),
        (
            "sideCars",
            Tpl::List(vec![Tpl::Object(vec![(
                "container",
                Tpl::Object(vec![
                    ("name", Tpl::Stop(3, "sidecar")),
                    ("image", Tpl::Stop(4, "image:tag")),
                ]),
            )])]),
        ),
    ])
}

/// A KubeVela Application whose component has a sidecar trait.
pub(crate) fn kubevela_application() -> Tpl {
    Tpl::Object(vec![
        ("apiVersion", Tpl::Text("core.oam.dev/v1beta1")),
        ("kind", Tpl::Text("Application")),
        (
            "metadata",
            Tpl::Object(vec![("name", Tpl::Stop(1, "my-app"))]),
        ),
        (
            "spec",
            Tpl::Object(vec![(
                "components",
                Tpl::List(vec![Tpl::Object(vec![
                    ("name", Tpl::Stop(2, "web")),
                    ("type", Tpl::Text("webservice")),
                    (
                        "properties",
                        Tpl::Object(vec![("image", Tpl::Stop(3, "image:tag"))]),
                    ),
                    (
                        "traits",
                        Tpl::List(vec![Tpl::Object(vec![
                            ("type", Tpl::Text("sidecar")),
                            (
                                "properties",
                                Tpl::Object(vec![
                                    ("name", Tpl::Stop(4, "sidecar")),
                                    ("image", Tpl::Stop(5, "image:tag")),
                                ]),
                            ),
                        ])]),
                    ),
                ])]),
            )]),
        ),
    ])
}

/// A Pod with a native sidecar.
pub(crate) fn pod_with_native_sidecar() -> Tpl {
    Tpl::Object(vec![
        ("apiVersion", Tpl::Text("v1")),
        ("kind", Tpl::Text("Pod")),
        (
            "metadata",
            Tpl::Object(vec![("name", Tpl::Stop(1, "my-pod"))]),
        ),
        (
            "spec",
            Tpl::Object(vec![
                (
                    "initContainers",
                    Tpl::List(vec![Tpl::Object(vec![
                        ("name", Tpl::Stop(2, "sidecar")),
                        ("image", Tpl::Stop(3, "image:tag")),
                        ("restartPolicy", Tpl::Text("Always")),
                    ])]),
                ),
                (
                    "containers",
                    Tpl::List(vec![Tpl::Object(vec![
                        ("name", Tpl::Stop(4, "app")),
                        ("image", Tpl::Stop(5, "image:tag")),
                    ])]),
                ),
            ]),
        ),
    ])
}

fn stop(n: u8, placeholder: &str) -> String {
    if placeholder.is_empty() {
        format!("${n}")
    } else {
        format!("${{{n}:{}}}", escape_snippet(placeholder))
    }
}

/// `{…}` pretty-printed, its first line at the cursor and the others indented from `ind`.
pub(crate) fn json_value(tpl: &Tpl, ind: usize, unit: usize) -> String {
    match tpl {
        Tpl::Object(members) => format!(
            "{{\n{}{}\n{}}}",
            " ".repeat(ind + unit),
            json_members(members, ind + unit, unit),
            " ".repeat(ind)
        ),
        Tpl::List(items) => {
            let inner = " ".repeat(ind + unit);
            let body: Vec<String> = items
                .iter()
                .map(|i| format!("{inner}{}", json_value(i, ind + unit, unit)))
                .collect();
            format!("[\n{}\n{}]", body.join(",\n"), " ".repeat(ind))
        }
        Tpl::Stop(n, p) => format!("\"{}\"", stop(*n, p)),
        Tpl::Text(t) => serde_json::to_string(t).unwrap_or_default(),
    }
}

/// The members of an object, the first at the cursor, the others at column `ind`.
pub(crate) fn json_members(members: &[(&str, Tpl)], ind: usize, unit: usize) -> String {
    let sep = format!(",\n{}", " ".repeat(ind));
    members
        .iter()
        .map(|(k, v)| format!("\"{}\": {}", escape_snippet(k), json_value(v, ind, unit)))
        .collect::<Vec<_>>()
        .join(&sep)
}

/// Block YAML members, the first at the cursor, the others at column `col`.
pub(crate) fn yaml_members(members: &[(&str, Tpl)], col: usize, unit: usize) -> String {
    let mut out = String::new();
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(col));
        }
        out.push_str(&escape_snippet(k));
        out.push(':');
        match v {
            Tpl::Object(inner) => {
                out.push('\n');
                out.push_str(&" ".repeat(col + unit));
                out.push_str(&yaml_members(inner, col + unit, unit));
            }
            Tpl::List(items) => {
                for item in items {
                    out.push('\n');
                    out.push_str(&" ".repeat(col + unit));
                    out.push_str("- ");
                    match item {
                        Tpl::Object(inner) => {
                            out.push_str(&yaml_members(inner, col + unit + 2, unit))
                        }
                        other => out.push_str(&yaml_flow(other)),
                    }
                }
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_flow(scalar));
            }
        }
    }
    out
}

/// Flow YAML (`{name: x, image: y}`), for flow collections and scalars.
pub(crate) fn yaml_flow(tpl: &Tpl) -> String {
    match tpl {
        Tpl::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", escape_snippet(k), yaml_flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Tpl::List(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        Tpl::Stop(n, p) => stop(*n, p),
        Tpl::Text(t) => escape_snippet(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_template_three_renderings() {
        let tpl = Tpl::Object(vec![
            ("name", Tpl::Stop(1, "a")),
            ("args", Tpl::List(vec![Tpl::Text("-v"), Tpl::Stop(2, "")])),
        ]);
        let Tpl::Object(members) = &tpl else {
            unreachable!()
        };
        assert_eq!(
            yaml_members(members, 4, 2),
            "name: ${1:a}\n    args:\n      - -v\n      - $2"
        );
        assert_eq!(yaml_flow(&tpl), "{name: ${1:a}, args: [-v, $2]}");
        assert_eq!(
            json_value(&tpl, 2, 2),
            "{\n    \"name\": \"${1:a}\",\n    \"args\": [\n      \"-v\",\n      \"$2\"\n    ]\n  }"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_snippet("a$b}c\\"), "a\\$b\\}c\\\\");
        assert_eq!(escape_choice("a,b|c"), "a\\,b\\|c");
    }
}
