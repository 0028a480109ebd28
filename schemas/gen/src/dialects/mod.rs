//! Self-contained schemas for the three sidecar dialects that are not plain Kubernetes.
//!
//! Each embeds, in its own `$defs`, the (tightened) Kubernetes definitions it reuses, under
//! their k8s-openapi names; its own definitions have short names without dots.

pub mod calyptia;
pub mod hkube;
pub mod kubevela;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::{new_generator, tighten};

/// `(file name relative to schemas/, schema)` for every dialect.
pub fn all() -> Vec<(String, Value)> {
    let kubernetes = Kubernetes::new();
    vec![
        (hkube::FILE.to_owned(), hkube::schema(&kubernetes)),
        (kubevela::FILE.to_owned(), kubevela::schema()),
        (calyptia::FILE.to_owned(), calyptia::schema(&kubernetes)),
    ]
}

/// Prefix of the core/v1 definition names.
pub(crate) const CORE: &str = "io.k8s.api.core.v1.";

/// The tightened Kubernetes definitions reachable from `Container` and `Volume`: what the
/// dialects embed or borrow descriptions from.
pub struct Kubernetes {
    definitions: Map<String, Value>,
}

impl Kubernetes {
    /// Generates and tightens the definitions for the compiled-in Kubernetes version.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        use k8s_openapi::api::core::v1::{Container, Volume};
        let mut generator = new_generator();
        generator.subschema_for::<Container>();
        generator.subschema_for::<Volume>();
        let mut definitions = generator.take_definitions(true);
        tighten::tighten_definitions(&mut definitions)
            .unwrap_or_else(|error| panic!("tightening the dialects' Kubernetes schema: {error}"));
        Self { definitions }
    }

    /// The description of `property` of the core/v1 definition `definition` (e.g.
    /// `("Container", "image")`). Panics if there is none: generation must not silently lose
    /// a description.
    pub fn description(&self, definition: &str, property: &str) -> String {
        self.definitions
            .get(&format!("{CORE}{definition}"))
            .and_then(|d| d.pointer(&format!("/properties/{property}/description")))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no description for {definition}.{property}"))
            .to_owned()
    }

    /// `"#/$defs/io.k8s.api.core.v1.<definition>"`.
    pub fn reference(definition: &str) -> String {
        format!("#/$defs/{CORE}{definition}")
    }

    /// Adds to `schema["$defs"]` every Kubernetes definition that `schema` references,
    /// directly or through other Kubernetes definitions.
    pub fn embed(&self, schema: &mut Value) {
        let mut pending = BTreeSet::new();
        collect_refs(schema, &mut pending);
        let mut embedded = Map::new();
        while let Some(name) = pending.pop_first() {
            if embedded.contains_key(&name) {
                continue;
            }
            if let Some(definition) = self.definitions.get(&name) {
                collect_refs(definition, &mut pending);
                embedded.insert(name, definition.clone());
            }
        }
        let defs = schema
            .as_object_mut()
            .expect("a dialect schema is an object")
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("$defs is an object");
        for (name, definition) in embedded {
            assert!(
                defs.insert(name.clone(), definition).is_none(),
                "{name} defined twice"
            );
        }
    }
}

/// Names `X` of every `"$ref": "#/$defs/X"` inside `value`.
pub(crate) fn collect_refs(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/$defs/") {
                            names.insert(name.to_owned());
                        }
                    }
                    _ => collect_refs(item, names),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, names)),
        _ => {}
    }
}

/// Sets `description` on a schema object and returns it.
pub(crate) fn described(mut schema: Value, description: impl Into<String>) -> Value {
    schema
        .as_object_mut()
        .expect("a schema object")
        .insert("description".into(), Value::String(description.into()));
    schema
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    /// Compiles `schema` (draft 2020-12, no network).
    pub(crate) fn validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::options()
            .offline()
            .build(schema)
            .expect("schema compiles")
    }

    /// Asserts that `instance` is valid (`true`) or invalid (`false`), naming the case.
    pub(crate) fn expect(
        validator: &jsonschema::Validator,
        case: &str,
        instance: &Value,
        ok: bool,
    ) {
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert_eq!(errors.is_empty(), ok, "{case}: {errors:#?}");
    }
}
