//! KubeVela's `sidecar` trait (research: kubevela.md §1.3, §2, §4).

use super::prelude::*;
use crate::diagnostic::Tag;
use crate::dialect::kubevela::sidecar_traits;
use crate::model::KUBEVELA_TRAIT_PROPERTIES;

/// V401.
pub static NAME_REQUIRED: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_NAME_REQUIRED,
        name: "vela-sidecar-name-required",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A sidecar trait without `name`.",
        why: "The trait's patch adds containers by name. Without a name it merges the sidecar \
              into the component's main container instead (`conflicting values` on the image), \
              or, when nothing conflicts, silently changes the main container.",
        mirrors: "KubeVela `sidecar.cue` (`name: string`, required) and the `patchKey=name` list \
                  merge (kubevela.md §1.3, §2.1, §4.3).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            image: fluent/fluent-bit:3.1\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// V402.
pub static IMAGE_REQUIRED: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_IMAGE_REQUIRED,
        name: "vela-sidecar-image-required",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A sidecar trait without `image`.",
        why: "KubeVela accepts the Application (admission does not require concrete values) and \
              then fails to render it: `spec.template.spec.containers.1.image: incomplete value \
              string`.",
        mirrors: "KubeVela `sidecar.cue` (`image: string`, required; kubevela.md §1.3, §4.3).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// V403.
pub static PROBE_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_PROBE_FIELD,
        name: "vela-probe-field-not-allowed",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A probe key the trait's closed probe definition does not allow.",
        why: "The sidecar trait's `#HealthProbe` is closed: no `grpc`, no \
              `terminationGracePeriodSeconds`, no `httpGet.scheme` or `host` (the webservice \
              component's probe has those, the sidecar's does not). KubeVela's admission webhook \
              rejects the Application (`field grpc not allowed`).",
        mirrors: "KubeVela `sidecar.cue` `#HealthProbe` (kubevela.md §1.3, §4.3, verified with CUE).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            readinessProbe:\n              httpGet:\n                path: /ready\n                port: 9901\n                scheme: HTTPS\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            readinessProbe:\n              httpGet:\n                path: /ready\n                port: 9901\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// V404.
pub static TYPE_MISMATCH: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_TYPE_MISMATCH,
        name: "vela-type-mismatch",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A trait property of the wrong type.",
        why: "CUE unifies the properties with the trait's parameter types and the admission \
              webhook rejects a conflict: `cmd` is a list of strings (not one string), probe \
              ports are integers (no named ports), env values are strings (YAML reads an \
              unquoted `true` or `8080` as a boolean or number).",
        mirrors: "KubeVela `sidecar.cue` parameter types (kubevela.md §1.3; CUE `conflicting values \
                  … (mismatched types …)`, §4.3).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            livenessProbe:\n              tcpSocket:\n                port: \"9901\"\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            livenessProbe:\n              tcpSocket:\n                port: 9901\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// V405.
pub static INCOMPLETE_VALUE: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_INCOMPLETE_VALUE,
        name: "vela-incomplete-value",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A value the trait requires is missing (a volume's `path`, an env `name`, a probe's `port`…).",
        why: "Missing required values pass admission and fail when KubeVela renders the workload \
              (`incomplete value string`). A common case: `volumes` items take `path`, not \
              `mountPath` as in the component's own volumes.",
        mirrors: "KubeVela `sidecar.cue` (kubevela.md §1.3, §4.3).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n        volumeMounts:\n          emptyDir:\n            - name: logs\n              mountPath: /var/log/api\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: logs\n                mountPath: /logs\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n        volumeMounts:\n          emptyDir:\n            - name: logs\n              mountPath: /var/log/api\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: logs\n                path: /logs\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// What to do instead of the usual unsupported trait properties.
fn advice(key: &str) -> &'static str {
    match key {
        "command" => "use `cmd`",
        "volumeMounts" => "use `volumes` with items `{name, path}`",
        "ports" => {
            "the trait has no ports (kubevela#6420): add them with the `container-ports` trait and `containerName`"
        }
        "startupProbe" => "use the `startup-probe` trait with `containerName`",
        "resources" => "the trait sets no resources; they are dropped",
        "imagePullPolicy" | "securityContext" | "lifecycle" | "envFrom" | "workingDir" => {
            "the trait does not support it; it is dropped"
        }
        "mountPath" => "use `path`",
        "readOnly" | "subPath" => "trait volumes support only `name` and `path`; it is dropped",
        _ => "KubeVela drops unknown keys silently",
    }
}

/// V406.
pub static IGNORED_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_IGNORED_FIELD,
        name: "vela-ignored-field",
        origin: Origin::Kubevela,
        severity: Severity::Warning,
        dialects: KUBEVELA,
        summary: "A sidecar trait key that KubeVela silently drops.",
        why: "The trait's parameters are an open CUE struct: unknown keys are accepted and \
              ignored, and `volumes` items keep only `name` and `path`. The sidecar trait is not a container: it has `cmd` (not `command`), \
              `volumes` of `{name, path}` (not `volumeMounts`), and no `ports`, `resources`, \
              `imagePullPolicy`, `securityContext`, `lifecycle`, `envFrom`, `workingDir` or \
              `startupProbe`. The message says what to use instead.",
        mirrors: "KubeVela `sidecar.cue` parameter struct (open; kubevela.md §1.3, §4.3 verified).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            command: [envoy, -c, /etc/envoy.yaml]\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            cmd: [envoy, -c, /etc/envoy.yaml]\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_ignored),
};

fn check_ignored(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            let Some(props) = c.node else { continue };
            for e in cx.tree.entries(props).unwrap_or(&[]) {
                if !KUBEVELA_TRAIT_PROPERTIES.contains(&&*e.key) && &*e.key != "$schema" {
                    let a = advice(&e.key);
                    cx.report(
                        object,
                        e.key_span,
                        format!("the sidecar trait ignores `{}`: {a}", e.key),
                    )
                    .add_tag(Tag::Unnecessary);
                }
            }
            // Trait volumes become `{name, mountPath}` mounts: other keys are dropped. (Env
            // items are copied to the container unchanged, so their extra keys are not dropped.)
            for &item in cx
                .tree
                .get(props, "volumes")
                .and_then(|l| cx.tree.items(l))
                .unwrap_or(&[])
            {
                for e in cx.tree.entries(item).unwrap_or(&[]) {
                    if !matches!(&*e.key, "name" | "path") {
                        let a = advice(&e.key);
                        cx.report(
                            object,
                            e.key_span,
                            format!(
                                "the sidecar trait ignores `{}` in `volumes` items: {a}",
                                e.key
                            ),
                        )
                        .add_tag(Tag::Unnecessary);
                    }
                }
            }
        }
    }
}

/// V407.
pub static SIDECAR_MERGES: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_SIDECAR_MERGES,
        name: "vela-sidecar-merges",
        origin: Origin::Kubevela,
        severity: Severity::Error,
        dialects: KUBEVELA,
        summary: "A sidecar named like the component (its main container) or like another sidecar.",
        why: "The trait adds containers by name: a sidecar with an existing container's name is \
              merged into that container instead of added. Different images then fail to render \
              (`conflicting values`); equal ones silently change the other container.",
        mirrors: "KubeVela `patchKey=name` list merge (`listMergeProcess`; kubevela.md §2.1, §4.3).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: api\n            image: fluent/fluent-bit:3.1\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_merges),
};

fn check_merges(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let main_image = workload
            .containers
            .iter()
            .find(|c| c.platform.is_some())
            .and_then(|m| m.platform.as_ref()?.declared_at)
            .and_then(|component| cx.tree.get_path(component, &["properties", "image"]))
            .and_then(|i| cx.tree.str(i).map(str::to_string));
        let mut earlier: Vec<(String, Option<String>, crate::text::Span)> = Vec::new();
        if let Some(main) = workload.containers.iter().find(|c| c.platform.is_some())
            && let Some(name) = &main.name
        {
            let span = main
                .platform
                .as_ref()
                .and_then(|p| p.declared_at)
                .and_then(|c| cx.tree.get(c, "name"))
                .map_or_else(crate::text::Span::default, |n| cx.tree.span(n));
            earlier.push((name.clone(), main_image, span));
        }
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            let (Some(name), Some(name_node)) = (c.name.clone(), c.field(cx.tree, "name")) else {
                continue;
            };
            let image = c
                .field(cx.tree, "image")
                .and_then(|i| cx.tree.str(i))
                .map(str::to_string);
            if let Some((_, other_image, other_span)) = earlier.iter().find(|(n, _, _)| *n == name)
            {
                let span = cx.tree.span(name_node);
                let conflict = matches!((&image, other_image), (Some(a), Some(b)) if a != b);
                let (severity, message) = if conflict {
                    (
                        Severity::Error,
                        format!(
                            "a container named \"{name}\" already exists, so this sidecar is merged into it and rendering fails: conflicting values \"{}\" and \"{}\"",
                            image.as_deref().unwrap_or_default(),
                            other_image.as_deref().unwrap_or_default()
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        format!(
                            "a container named \"{name}\" already exists: this sidecar is merged into it instead of added"
                        ),
                    )
                };
                let other_span = *other_span;
                let d = cx.report_with(object, severity, span, message);
                if !other_span.is_empty() {
                    d.add_related(other_span, "the container it merges into");
                }
            }
            earlier.push((name, image, cx.tree.span(name_node)));
        }
    }
}

/// V408.
pub static ENV_SOURCE_UNCHECKED: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_ENV_SOURCE_UNCHECKED,
        name: "vela-env-source-unchecked",
        origin: Origin::Kubevela,
        severity: Severity::Info,
        dialects: KUBEVELA,
        summary: "An env `valueFrom` source the trait does not declare (passed through unchecked).",
        why: "The trait types `secretKeyRef`, `configMapKeyRef` and `fieldRef`. Anything else \
              (`resourceFieldRef`…) passes its open struct unchecked, so a mistake in it is only \
              found by Kubernetes when the Deployment is applied.",
        mirrors: "KubeVela `sidecar.cue` env item (kubevela.md §1.3, verified).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            env:\n              - name: CPU_LIMIT\n                valueFrom:\n                  resourceFieldRef:\n                    resource: limits.cpu\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            env:\n              - name: POD_NAME\n                valueFrom:\n                  fieldRef:\n                    fieldPath: metadata.name\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_env_sources),
};

fn check_env_sources(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            for var in c.env(cx.tree) {
                let Some(value_from) = var.value_from else {
                    continue;
                };
                for e in cx.tree.entries(value_from).unwrap_or(&[]) {
                    if !matches!(&*e.key, "secretKeyRef" | "configMapKeyRef" | "fieldRef") {
                        cx.report(
                            object,
                            e.key_span,
                            format!("the sidecar trait does not declare `{}`: it is passed to Kubernetes unchecked", e.key),
                        );
                    }
                }
            }
        }
    }
}

/// V409.
pub static WORKLOAD_UNSUPPORTED: Rule = Rule {
    meta: RuleMeta {
        code: codes::VELA_WORKLOAD_UNSUPPORTED,
        name: "vela-workload-unsupported",
        origin: Origin::Kubevela,
        severity: Severity::Warning,
        dialects: KUBEVELA,
        summary: "A sidecar trait on a `cron-task` component, whose pod the patch cannot reach.",
        why: "The trait patches `spec.template.spec.containers`; a CronJob keeps its pod under \
              `spec.jobTemplate.spec.template`, so the sidecar lands in the wrong place and is not \
              run. KubeVela does not enforce the trait's `appliesToWorkloads` (deployments, \
              statefulsets, daemonsets, jobs), so nothing warns.",
        mirrors: "KubeVela `sidecar.cue` patch target and `appliesToWorkloads` (kubevela.md §1.2, \
                  §2.3; kubevela#6421).",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: report\n      type: cron-task\n      properties:\n        image: shop/report:1.0\n        schedule: \"0 3 * * *\"\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n",
            good: "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: report\n      type: task\n      properties:\n        image: shop/report:1.0\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_workload_type),
};

fn check_workload_type(cx: &mut Context) {
    for object in cx.objects() {
        let components = cx
            .tree
            .get_path(object.root, &["spec", "components"])
            .and_then(|c| cx.tree.items(c))
            .unwrap_or(&[]);
        for &component in components {
            if cx.tree.get_str(component, "type") != Some("cron-task") {
                continue;
            }
            for t in sidecar_traits(cx.tree, component) {
                let span = cx
                    .tree
                    .get(t, "type")
                    .map_or(cx.tree.span(t), |n| cx.tree.span(n));
                cx.report(
                    object,
                    span,
                    "the sidecar trait patches spec.template.spec.containers, but a cron-task keeps its pod under spec.jobTemplate.spec.template: the sidecar is not added",
                );
            }
        }
    }
}

/// The KubeVela rules, in code order.
pub static RULES: &[&Rule] = &[
    &NAME_REQUIRED,
    &IMAGE_REQUIRED,
    &PROBE_FIELD,
    &TYPE_MISMATCH,
    &INCOMPLETE_VALUE,
    &IGNORED_FIELD,
    &SIDECAR_MERGES,
    &ENV_SOURCE_UNCHECKED,
    &WORKLOAD_UNSUPPORTED,
];
