//! Environment variables (research: kubernetes-rules.md §7). HKube's `environments` map is checked
//! through the same view: each key becomes an env name, each object value a `valueFrom`.

use super::super::prelude::*;
use super::required_value;
use crate::k8s::names;

/// K118.
pub static ENV_NAME_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::ENV_NAME_INVALID,
        name: "env-name-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "An environment variable name the API server rejects.",
        why: "From Kubernetes 1.32 (on by default; locked on from 1.34) a name may be any \
              printable ASCII except `=`; before, it had to look like a C identifier (letters, \
              digits, `_`, `-`, `.`, not starting with a digit). The empty name is never allowed.",
        mirrors: "Kubernetes `ValidateEnv` with `IsEnvVarName` / `IsRelaxedEnvVarName`, gate \
                  `RelaxedEnvironmentVariableValidation` (kubernetes-rules.md §7).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: MODE=fast\n          value: \"1\"\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: MODE\n          value: fast\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_env_names),
};

fn check_env_names(cx: &mut Context) {
    let relaxed = cx.settings.kube_version.at_least(34)
        || (cx.settings.kube_version.at_least(32)
            && cx
                .settings
                .feature_gates
                .get("RelaxedEnvironmentVariableValidation")
                .copied()
                .unwrap_or(true))
        || cx.settings.gate("RelaxedEnvironmentVariableValidation");
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for var in c.env(cx.tree) {
                let Some(name) = var.name.as_deref() else {
                    // A null name: the `name` value is there but empty.
                    if let Some(item) = var.node
                        && let Some(n) = cx.tree.get(item, "name")
                        && cx.tree.is_null(n)
                    {
                        let path = cx.path(object, n);
                        cx.report(object, var.name_span, required_value(&path));
                    }
                    continue;
                };
                let errors = if name.is_empty() {
                    Vec::new()
                } else {
                    names::env_var_name(name, relaxed)
                };
                if !name.is_empty() && errors.is_empty() {
                    continue;
                }
                let path = match var.node.and_then(|n| cx.tree.get(n, "name")) {
                    Some(n) => cx.path(object, n),
                    None => c.env_map.map_or_else(String::new, |m| {
                        let map = cx.path(object, m);
                        if name
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                            && !name.is_empty()
                        {
                            format!("{map}.{name}")
                        } else {
                            format!("{map}[\"{name}\"]")
                        }
                    }),
                };
                if name.is_empty() {
                    cx.report(object, var.name_span, required_value(&path));
                    continue;
                }
                for m in errors {
                    cx.report(
                        object,
                        var.name_span,
                        format!("{path}: Invalid value: \"{name}\": {m}"),
                    );
                }
            }
        }
    }
}

/// K119.
pub static ENV_VALUE_AND_VALUE_FROM: Rule = Rule {
    meta: RuleMeta {
        code: codes::ENV_VALUE_AND_VALUE_FROM,
        name: "env-value-and-value-from",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "An environment variable with both `value` and `valueFrom`.",
        why: "A variable takes its value from one place. An empty `value` with `valueFrom` is \
              allowed.",
        mirrors: "Kubernetes `validateEnvVarValueFrom` (``may not be specified when `value` is not \
                  empty``; kubernetes-rules.md §7).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: POD_NAME\n          value: web\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: POD_NAME\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_value_and_value_from),
};

fn check_value_and_value_from(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for var in c.env(cx.tree) {
                let (Some(item), Some(value), Some(value_from)) =
                    (var.node, var.value, var.value_from)
                else {
                    continue;
                };
                let non_empty = match cx.tree.value(value) {
                    Value::String(s) => !s.is_empty(),
                    Value::Null | Value::Missing => false,
                    _ => true,
                };
                if non_empty && !cx.tree.is_null(value_from) {
                    let path = cx.path(object, value_from);
                    let span = cx
                        .tree
                        .key_span(value_from)
                        .unwrap_or_else(|| cx.tree.span(item));
                    cx.report(
                        object,
                        span,
                        format!("{path}: Invalid value: \"\": may not be specified when `value` is not empty"),
                    );
                }
            }
        }
    }
}

/// K120.
pub static ENV_VALUE_FROM_SOURCE: Rule = Rule {
    meta: RuleMeta {
        code: codes::ENV_VALUE_FROM_SOURCE,
        name: "env-value-from-source",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A `valueFrom` with no source or several, or a ConfigMap/Secret reference with a bad key.",
        why: "`valueFrom` holds exactly one of `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, \
              `secretKeyRef` (and `fileKeyRef` from 1.34). A key reference needs a key made of \
              letters, digits, `-`, `_` and `.`. In HKube, an `environments` value that is an \
              object becomes `valueFrom` unchecked, so this is where its mistakes show.",
        mirrors: "Kubernetes `validateEnvVarValueFrom`, `validateConfigMapKeySelector`, \
                  `validateSecretKeySelector` (kubernetes-rules.md §7); HKube `applyEnvToContainer` \
                  (hkube.md §2.4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: TOKEN\n          valueFrom: {}\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: api\n              key: token\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_value_from),
};

fn check_value_from(cx: &mut Context) {
    let mut sources = vec![
        "fieldRef",
        "resourceFieldRef",
        "configMapKeyRef",
        "secretKeyRef",
    ];
    if cx.settings.kube_version.at_least(34) {
        sources.push("fileKeyRef");
    }
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for var in c.env(cx.tree) {
                let Some(value_from) = var.value_from else {
                    continue;
                };
                let Some(entries) = cx.tree.entries(value_from) else {
                    if var.node.is_none() && cx.tree.items(value_from).is_some() {
                        let span = cx.tree.span(value_from);
                        cx.report_at(object, value_from, span, |path| {
                            format!("{path}: HKube turns an array into `valueFrom`, which Kubernetes cannot decode (it expects an object with one source)")
                        });
                    }
                    continue;
                };
                let set: Vec<&crate::syntax::Entry> = entries
                    .iter()
                    .filter(|e| sources.contains(&&*e.key) && !cx.tree.is_null(e.value))
                    .collect();
                if set.is_empty() {
                    if cx.may_be_truncated(value_from) {
                        continue;
                    }
                    let span = cx.tree.name_span(value_from);
                    let span = if var.node.is_none() {
                        var.name_span
                    } else {
                        span
                    };
                    cx.report_at(object, value_from, span, |path| {
                        format!("{path}: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`")
                    });
                    continue;
                }
                for extra in set.iter().skip(1) {
                    cx.report_at(object, value_from, extra.key_span, |path| {
                        format!("{path}: Invalid value: \"\": may not have more than one field specified at a time")
                    });
                }
                for selector_key in ["configMapKeyRef", "secretKeyRef"] {
                    let Some(selector) = cx.tree.get(value_from, selector_key) else {
                        continue;
                    };
                    if let Some(key) = cx.tree.get(selector, "key")
                        && let Some(k) = cx.tree.str(key)
                    {
                        let key_path = cx.path(object, key);
                        let span = cx.tree.span(key);
                        if k.is_empty() {
                            cx.report(object, span, required_value(&key_path));
                        } else {
                            for m in names::config_key(k) {
                                cx.report(
                                    object,
                                    span,
                                    format!("{key_path}: Invalid value: \"{k}\": {m}"),
                                );
                            }
                        }
                    }
                    if let Some(name) = cx.tree.get(selector, "name")
                        && let Some(n) = cx.tree.str(name)
                        && !n.is_empty()
                        && !super::is_templated(n)
                    {
                        let name_path = cx.path(object, name);
                        let span = cx.tree.span(name);
                        for m in names::dns1123_subdomain(n) {
                            cx.report(
                                object,
                                span,
                                format!("{name_path}: Invalid value: \"{n}\": {m}"),
                            );
                        }
                    }
                }
            }
        }
    }
}
