//! Tightening of k8s-openapi's schemas so that they can be linted with.
//!
//! k8s-openapi's schemas accept unknown fields, have no enums and give int-or-string and
//! Quantity no type. [`tighten_definitions`] applies, to every definition:
//!
//! 1. `"additionalProperties": false` on every schema with `properties` and no
//!    `additionalProperties` (maps keep theirs);
//! 2. `"type": T` → `"type": [T, "null"]`: the API decodes with Go's `encoding/json`, which
//!    accepts `null` for any field; required values are checked by rules, not the schema;
//! 3. a type for IntOrString and Quantity, and the Quantity grammar as a `pattern`; no type
//!    for apiextensions' `JSON` (k8s-openapi says `object`, but it holds any JSON value, e.g.
//!    the strings of a CRD schema's `enum`);
//! 4. `minimum`/`maximum` for `"format": "int32"`;
//! 5. the enums of [`crate::enums::ENUMS`] (plus `null`, and `""` where the API accepts it);
//! 6. `oneOf` → `anyOf`: with nullable branches a `null` would match every branch of a `oneOf`
//!    and fail it (only `JSONSchemaPropsOr*` use `oneOf`; their branches differ by type).
//!
//! Nothing else is dropped: descriptions, `required` and `x-kubernetes-*` keys stay.

use serde_json::{Map, Value, json};

use crate::enums::{ENUMS, EnumRule};

/// k8s-openapi's name for `intstr.IntOrString`.
pub const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
/// k8s-openapi's name for `resource.Quantity`.
pub const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/// k8s-openapi's name for apiextensions' `JSON` (any JSON value: CRD `default`, `enum`, …).
pub const ANY_JSON: &str = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON";
/// What apimachinery's `ParseQuantity` accepts (kubernetes-rules.md §9.2): optional sign, a
/// number (`1`, `1.5`, `1.`, `.5`), then an optional case-sensitive suffix: binary SI
/// (`Ki`…`Ei`), decimal SI (`n u m k M G T P E`) or an integer exponent (`e3`, `E-2`).
pub const QUANTITY_PATTERN: &str =
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$";

/// Tightens every definition in place (see the module docs). Fails if an entry of the enum
/// table names a property missing from a definition that is present.
pub fn tighten_definitions(definitions: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(Value::Object(int_or_string)) = definitions.get_mut(INT_OR_STRING) {
        int_or_string.insert("type".into(), json!(["integer", "string", "null"]));
    }
    if let Some(Value::Object(quantity)) = definitions.get_mut(QUANTITY) {
        quantity.insert("type".into(), json!(["string", "number", "null"]));
        quantity.insert("pattern".into(), json!(QUANTITY_PATTERN));
    }
    if let Some(Value::Object(any)) = definitions.get_mut(ANY_JSON) {
        any.remove("type");
    }
    for schema in definitions.values_mut() {
        tighten_schema(schema);
    }
    for rule in ENUMS {
        apply_enum(definitions, rule)?;
    }
    Ok(())
}

/// Applies rules 1, 2, 4 and 6 of the module docs to `schema` and all its subschemas.
pub fn tighten_schema(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    match object.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            object.insert("type".into(), json!([single, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"));
        }
        _ => {}
    }
    if object.contains_key("properties") && !object.contains_key("additionalProperties") {
        object.insert("additionalProperties".into(), json!(false));
    }
    if object.get("format").and_then(Value::as_str) == Some("int32") {
        object.entry("minimum").or_insert_with(|| json!(i32::MIN));
        object.entry("maximum").or_insert_with(|| json!(i32::MAX));
    }
    if let Some(one_of) = object.remove("oneOf") {
        object.insert("anyOf".into(), one_of);
    }
    for_each_subschema(object, tighten_schema);
}

/// Calls `f` on every direct subschema of `object` (not on `enum`, `default` or other values).
fn for_each_subschema(object: &mut Map<String, Value>, mut f: impl FnMut(&mut Value)) {
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Object(map)) = object.get_mut(key) {
            map.values_mut().for_each(&mut f);
        }
    }
    for key in ["items", "additionalProperties", "not", "contains"] {
        if let Some(sub @ Value::Object(_)) = object.get_mut(key) {
            f(sub);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = object.get_mut(key) {
            list.iter_mut().for_each(&mut f);
        }
    }
}

fn apply_enum(definitions: &mut Map<String, Value>, rule: &EnumRule) -> Result<(), String> {
    let Some(definition) = definitions.get_mut(rule.definition) else {
        return Ok(());
    };
    let property = definition
        .pointer_mut(&format!("/properties/{}", rule.property))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{} has no property {}", rule.definition, rule.property))?;
    let is_string = property
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == "string"));
    if !is_string {
        return Err(format!(
            "{}.{} is not a string property",
            rule.definition, rule.property
        ));
    }
    property.insert("enum".into(), rule.enum_values());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_closed_bounded() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "type": {"type": "integer", "format": "int32"},
                "properties": {"type": "object", "additionalProperties": {"type": "string"}},
                "list": {"type": "array", "items": {"type": "integer", "format": "int64"}},
            },
        });
        tighten_schema(&mut schema);
        assert_eq!(
            schema,
            json!({
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": {
                    "type": {
                        "type": ["integer", "null"],
                        "format": "int32",
                        "minimum": -2147483648_i64,
                        "maximum": 2147483647,
                    },
                    "properties": {
                        "type": ["object", "null"],
                        "additionalProperties": {"type": ["string", "null"]},
                    },
                    "list": {
                        "type": ["array", "null"],
                        "items": {"type": ["integer", "null"], "format": "int64"},
                    },
                },
            })
        );
    }

    #[test]
    fn quantity_pattern_follows_parse_quantity() {
        let pattern = regex::Regex::new(QUANTITY_PATTERN).expect("valid regex");
        for ok in [
            "100m", "1.5Gi", "1e3", "1.", ".5", "0", "+1", "-2.5E-3", "128Mi", "2k", "1E", "5n",
            "3u",
        ] {
            assert!(pattern.is_match(ok), "{ok:?} should match");
        }
        for bad in [
            "1mi", "1K", "1e3.5", "abc", "", "1 Gi", "Gi", ".", "1Gi ", "1KiB", "e3",
        ] {
            assert!(!pattern.is_match(bad), "{bad:?} should not match");
        }
    }

    #[test]
    fn kubernetes_definitions_are_tightened() {
        let definitions = crate::kubernetes_definitions();
        let container = &definitions["io.k8s.api.core.v1.Container"];
        assert_eq!(container["additionalProperties"], json!(false));
        assert_eq!(container["type"], json!(["object", "null"]));
        let quantity = &definitions[QUANTITY];
        assert_eq!(quantity["type"], json!(["string", "number", "null"]));
        assert_eq!(quantity["pattern"], json!(QUANTITY_PATTERN));
        assert!(quantity["description"].as_str().is_some());
        let int_or_string = &definitions[INT_OR_STRING];
        assert_eq!(int_or_string["type"], json!(["integer", "string", "null"]));
        assert!(int_or_string["description"].as_str().is_some());
        // Maps keep their value schema.
        let labels =
            &definitions["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"];
        assert_eq!(
            labels["additionalProperties"],
            json!({"type": ["string", "null"]})
        );
        for schema in definitions.values() {
            let mut schema = schema.clone();
            let mut checked = 0;
            check_all(&mut schema, &mut checked);
            assert!(checked > 0);
        }
    }

    /// Asserts rules 1, 2 and 6 on `schema` and all its subschemas.
    fn check_all(schema: &mut Value, checked: &mut usize) {
        let Value::Object(object) = schema else {
            return;
        };
        *checked += 1;
        if object.contains_key("properties") {
            assert!(object.contains_key("additionalProperties"), "{object:?}");
        }
        if let Some(types) = object.get("type") {
            assert!(
                types.as_array().is_some_and(|t| t.contains(&json!("null"))),
                "{object:?}"
            );
        }
        assert!(!object.contains_key("oneOf"));
        for_each_subschema(object, |sub| check_all(sub, checked));
    }

    #[test]
    fn one_of_becomes_any_of() {
        let mut schema = json!({"oneOf": [{"type": "boolean"}, {"type": "array"}]});
        tighten_schema(&mut schema);
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": ["boolean", "null"]}, {"type": ["array", "null"]}]})
        );
    }
}
