//! `hkube-algorithm.json`: an HKube algorithm spec, as far as sidecars are concerned
//! (hkube.md §1.2–1.3, §2.4–2.5).

use serde_json::{Value, json};

use super::{Kubernetes, described};
use crate::DRAFT_2020_12;

/// File name under `schemas/`.
pub const FILE: &str = "hkube-algorithm.json";

/// The schema. `kubernetes` supplies the embedded Container, Volume, VolumeMount and
/// EnvVarSource definitions.
pub fn schema(kubernetes: &Kubernetes) -> Value {
    let volume_mounts = |description: &str| {
        described(
            json!({
                "type": "array",
                "items": {
                    "$ref": Kubernetes::reference("VolumeMount"),
                    "type": "object",
                    "required": ["name", "mountPath"],
                },
            }),
            description,
        )
    };
    let mut schema = json!({
        "$schema": DRAFT_2020_12,
        "title": "HKube algorithm",
        "description": "An HKube algorithm spec as sent to the api-server (`/store/algorithms`), \
            covering the fields that shape the algorithm's pod: `sideCars`, `volumes` and \
            `volumeMounts`. The api-server's own schema accepts unknown properties, so other \
            algorithm fields (`cpu`, `mem`, `options`, …) are accepted here too. HKube runs the \
            algorithm as a batch/v1 Job whose pod holds the `worker` and `algorunner` \
            containers followed by the sidecars.",
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {
                "type": "string",
                "description": "Name of the algorithm. Required: the api-server rejects a spec \
                    without one.",
            },
            "algorithmImage": {
                "type": "string",
                "description": "Image of the algorithm container (`algorunner`).",
            },
            "volumes": {
                "type": "array",
                "items": {
                    "$ref": Kubernetes::reference("Volume"),
                    "type": "object",
                    "required": ["name"],
                },
                "description": "Volumes added to the algorithm's pod, for the algorithm \
                    container and the sidecars to mount by name. A volume named like one of \
                    HKube's own pod volumes (e.g. `algometrics`) replaces it. Not nullable.",
            },
            "volumeMounts": volume_mounts(
                "Mounts for the algorithm container (`algorunner`) only; neither the worker nor \
                 the sidecars get them. A mount named like an existing one replaces it. To share \
                 a volume with a sidecar, mount it here and in the sidecar's `volumeMounts`. Not \
                 nullable.",
            ),
            "sideCars": {
                "type": ["array", "null"],
                "uniqueItems": true,
                "items": {"$ref": "#/$defs/SideCar"},
                "description": "Containers that run next to the algorithm. They are appended to \
                    the pod after `worker`, `algorunner` and any enabled system sidecars, in \
                    array order. `null` clears the list. Identical elements are rejected, and \
                    the api-server also requires `container.name` to be unique across the list.",
            },
        },
        "$defs": {
            "SideCar": {
                "type": "object",
                "description": "One sidecar. HKube reads only `container`, `volumeMounts` and \
                    `environments`; other keys are accepted and ignored. An element without \
                    `container` passes the api-server but breaks the Job's creation later.",
                "properties": {
                    "name": {
                        "deprecated": true,
                        "description": "Obsolete. Early versions of HKube's sidecar schema had \
                            an element-level name; it was removed, and HKube ignores it. The \
                            container's name is `container.name`.",
                    },
                    "container": {
                        "$ref": Kubernetes::reference("Container"),
                        "type": "object",
                        "required": ["name", "image"],
                        "description": "The sidecar container: a Kubernetes Container that \
                            reaches the pod unchanged except for `resources`, where HKube fills \
                            in default CPU and memory requests and limits and keeps only `cpu` \
                            and `memory` (other resource names are dropped). `name` and `image` \
                            are required; the name must not clash with `worker`, `algorunner` \
                            or another sidecar.",
                    },
                    "volumeMounts": volume_mounts(
                        "Mounts added to this sidecar's container (found by `container.name`). \
                         An entry replaces a `container.volumeMounts` entry of the same name. \
                         Each name must be a pod volume, e.g. one of the algorithm's `volumes`. \
                         Not nullable.",
                    ),
                    "environments": {
                        "type": ["object", "null"],
                        "additionalProperties": {"$ref": "#/$defs/EnvironmentValue"},
                        "description": "Environment variables for this sidecar, keyed by \
                            name and applied in insertion order to the container's `env`, \
                            replacing an entry of the same name. Unlike `container.env` this \
                            is a map, not a list.",
                    },
                },
            },
            "EnvironmentValue": {
                "anyOf": [
                    {"type": ["string", "number", "boolean", "null"]},
                    {"$ref": Kubernetes::reference("EnvVarSource"), "type": "object"},
                ],
                "description": "A string, number or boolean becomes the variable's `value`, \
                    stringified (`5` becomes \"5\", `true` becomes \"true\"). An object becomes \
                    its `valueFrom`, passed to Kubernetes unchecked. `null` removes an existing \
                    variable of that name (if there is none, one with `valueFrom: null` is \
                    added).",
            },
        },
    });
    kubernetes.embed(&mut schema);
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::test_support::{expect, validator};

    #[test]
    fn accepts_and_rejects() {
        let schema = schema(&Kubernetes::new());
        let v = validator(&schema);
        let valid = json!({
            "name": "algo",
            "algorithmImage": "hkube/algo:1",
            "cpu": 1,
            "volumes": [{"name": "shared", "emptyDir": {}}],
            "volumeMounts": [{"name": "shared", "mountPath": "/shared"}],
            "sideCars": [{
                "container": {
                    "name": "redis",
                    "image": "redis:7",
                    "resources": {"requests": {"cpu": 0.1, "memory": "128Mi"}},
                },
                "volumeMounts": [{"name": "shared", "mountPath": "/data"}],
                "environments": {
                    "A": "x", "B": 5, "C": true, "D": null,
                    "S": {"secretKeyRef": {"name": "s", "key": "k"}},
                },
            }],
        });
        expect(&v, "valid", &valid, true);
        expect(
            &v,
            "null sideCars",
            &json!({"name": "a", "sideCars": null}),
            true,
        );
        expect(
            &v,
            "obsolete name",
            &json!({"name": "a", "sideCars": [{"name": "x"}]}),
            true,
        );
        expect(&v, "no name", &json!({"sideCars": []}), false);
        let bad_sidecar = |sidecar: Value| json!({"name": "a", "sideCars": [sidecar]});
        expect(
            &v,
            "no image",
            &bad_sidecar(json!({"container": {"name": "c"}})),
            false,
        );
        expect(
            &v,
            "container typo",
            &bad_sidecar(
                json!({"container": {"name": "c", "image": "i", "imagePullPolcy": "Always"}}),
            ),
            false,
        );
        expect(
            &v,
            "null container",
            &bad_sidecar(json!({"container": null})),
            false,
        );
        expect(
            &v,
            "array environments",
            &bad_sidecar(json!({"environments": [{"name": "a", "value": "b"}]})),
            false,
        );
        expect(
            &v,
            "mount without path",
            &bad_sidecar(json!({"volumeMounts": [{"name": "v"}]})),
            false,
        );
        expect(
            &v,
            "null volumes",
            &json!({"name": "a", "volumes": null}),
            false,
        );
        expect(
            &v,
            "duplicate elements",
            &json!({"name": "a", "sideCars": [{}, {}]}),
            false,
        );
    }
}
