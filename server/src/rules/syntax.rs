//! Syntax and schema: findings of the parser and of schema validation. These rules have no check
//! of their own; the analysis reports under their codes.

use super::prelude::*;

/// S001.
pub static SYNTAX_ERROR: Rule = Rule {
    meta: RuleMeta {
        code: codes::SYNTAX_ERROR,
        name: "syntax-error",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "The text is not valid JSON or YAML.",
        why: "Nothing can apply a document that does not parse. The rest of the file is still \
              checked: in JSON the parser recovers after the broken region, in YAML every other \
              `---` document is checked in full and the broken one as far as it can be read. \
              Nesting deeper than 200 levels and YAML aliases that would expand beyond 100,000 \
              nodes are reported here too.",
        mirrors: "JSON (RFC 8259) and YAML 1.2 syntax; tabs in YAML indentation are invalid.",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": []}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S002.
pub static DUPLICATE_KEY: Rule = Rule {
    meta: RuleMeta {
        code: codes::DUPLICATE_KEY,
        name: "duplicate-key",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A key appears twice in one object.",
        why: "Lenient readers keep only one of the two values and say nothing: a second \
              `containers:` key silently drops every sidecar listed under the first. Kubernetes' \
              strict decoding (the kubectl default) rejects the object; JavaScript's `JSON.parse` \
              (HKube) keeps the last value.",
        mirrors: "Kubernetes strict field validation (`duplicate field`); kubeconform `-strict`.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n    - name: app\n      image: nginx:1.27\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S101.
pub static UNKNOWN_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::UNKNOWN_FIELD,
        name: "unknown-field",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A field the schema does not know, usually a typo.",
        why: "kubectl validates strictly by default and rejects unknown fields; without strict \
              validation the API server drops them silently, so `imagePullPolcy: Always` would \
              just not happen. Fields added in later Kubernetes versions are unknown to earlier \
              ones: choose the version with `--kube-version`.",
        mirrors: "Kubernetes strict decoding (`unknown field \"...\"`), against the schema of the \
                  chosen version generated from k8s-openapi.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolcy: Always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S102.
pub static WRONG_TYPE: Rule = Rule {
    meta: RuleMeta {
        code: codes::WRONG_TYPE,
        name: "wrong-type",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A value of the wrong JSON type.",
        why: "The API server cannot decode it (`cannot unmarshal string into Go struct field`). \
              In YAML, unquoted `yes`, `no`, `on`, `off` are booleans and `0755` is a number: \
              Kubernetes reads YAML by the YAML 1.1 rules (go-yaml), and so do we, so `value: yes` \
              on an environment variable is a boolean where a string is required. Quote it.",
        mirrors: "Go `encoding/json` decoding into the Kubernetes API types; YAML 1.1 scalar \
                  resolution as in go-yaml v2, which Kubernetes' YAML decoding uses.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: DEBUG\n          value: yes\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: DEBUG\n          value: \"yes\"\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S103.
pub static REQUIRED_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::REQUIRED_FIELD,
        name: "required-field",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A required field is missing.",
        why: "The platform rejects the object (`Required value`). Not reported inside a region a \
              syntax error cut short, where the field may just not have been read.",
        mirrors: "The `required` lists of the Kubernetes OpenAPI schema; the platforms' own \
                  schemas for their fields.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S104.
pub static UNSUPPORTED_VALUE: Rule = Rule {
    meta: RuleMeta {
        code: codes::UNSUPPORTED_VALUE,
        name: "unsupported-value",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A value outside the set the API allows (case-sensitive).",
        why: "The published Kubernetes schema has no allowed-value lists, so `imagePullPolicy: \
              Sometimes` passes other schema validators; the API server rejects it with \
              `Unsupported value`. Our schemas carry the lists.",
        mirrors: "Kubernetes `validatePullPolicy`, `validateContainerPorts` (protocol), probe \
                  `scheme`, pod `restartPolicy`… (research: kubernetes-rules.md §4, §5, §8).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S105.
pub static INVALID_VALUE: Rule = Rule {
    meta: RuleMeta {
        code: codes::INVALID_VALUE,
        name: "invalid-value",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A value that breaks a pattern or a numeric bound of the schema.",
        why: "The platform rejects values outside the bounds its schema states: a 32-bit integer \
              field given a larger number cannot even be decoded (`replicas: 3000000000`).",
        mirrors: "The `minimum`/`maximum`/`pattern` constraints of our generated schemas.",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3000000000\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S106.
pub static API_VERSION_NOT_SERVED: Rule = Rule {
    meta: RuleMeta {
        code: codes::API_VERSION_NOT_SERVED,
        name: "api-version-not-served",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "The chosen Kubernetes version does not serve this kind under this `apiVersion`.",
        why: "Beta API versions are removed once the kind is GA (`batch/v1beta1` CronJob, \
              `policy/v1beta1` PodDisruptionBudget…); the API server answers `no matches for \
              kind`. The message names the versions that are served.",
        mirrors: "The API groups and versions of the chosen Kubernetes release, as generated into \
                  k8s-openapi.",
        example: Some(Example {
            file: "cronjob.yaml",
            bad: "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: busybox:1.36\n",
            good: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: busybox:1.36\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S107.
pub static MISSING_API_VERSION_OR_KIND: Rule = Rule {
    meta: RuleMeta {
        code: codes::MISSING_API_VERSION_OR_KIND,
        name: "missing-api-version-or-kind",
        origin: Origin::Schema,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A Kubernetes document without `apiVersion` or `kind`.",
        why: "Neither kubectl nor the API server can tell what the object is. When the kind \
              alone identifies the API, the message says which `apiVersion` to add, and the \
              object is still checked against that API's schema.",
        mirrors: "kubectl's decoder (`Object 'apiVersion' is missing`); kubeconform `missing \
                  'apiVersion' key`.",
        example: Some(Example {
            file: "configmap.yaml",
            bad: "kind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
            good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// S108.
pub static INVALID_DIRECTIVE: Rule = Rule {
    meta: RuleMeta {
        code: codes::INVALID_DIRECTIVE,
        name: "invalid-directive",
        origin: Origin::Schema,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "A `# sidecar-lsp:` comment names an unknown dialect or rule.",
        why: "A misspelt modeline or suppression silently does nothing; this says so. Directives: \
              `# sidecar-lsp: dialect=hkube|kubevela|calyptia|kubernetes` (for the documents \
              that follow), and `# sidecar-lsp: ignore CODE[, CODE…]` (on the line of a finding \
              or the line above it; without codes it ignores every finding there).",
        mirrors: "Our own directive syntax.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "# sidecar-lsp: dialect=kubernets\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
            good: "# sidecar-lsp: dialect=kubernetes\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
            config: "",
            good_file: "",
        }),
    },
    check: None,
};
