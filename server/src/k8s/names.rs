//! Kubernetes name validators with the API server's exact messages (research:
//! kubernetes-rules.md §3, §4, §7, §10; apimachinery `util/validation`).

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_REGEX: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_REGEX: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// apimachinery's `RegexError`: the message, then the examples and the regex.
fn regex_error(message: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = String::from(message);
    out.push_str(" (");
    if !examples.is_empty() {
        out.push_str("e.g. ");
        let quoted: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
        out.push_str(&quoted.join(" or "));
    }
    out.push_str("regex used for validation is '");
    out.push_str(regex);
    out.push_str("')");
    out
}

/// `MaxLenError`.
pub fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_label)
}

/// `IsDNS1123Label`: every problem, in the API's order.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if s.len() > 63 {
        errors.push(max_len_error(63));
    }
    if !is_label(s) {
        if is_subdomain(s) {
            errors.push("must not contain dots".to_string());
        } else {
            errors.push(regex_error(
                DNS1123_LABEL_MSG,
                DNS1123_LABEL_REGEX,
                &["my-name", "123-abc"],
            ));
        }
    }
    errors
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if s.len() > 253 {
        errors.push(max_len_error(253));
    }
    if !is_subdomain(s) {
        errors.push(regex_error(
            DNS1123_SUBDOMAIN_MSG,
            DNS1123_SUBDOMAIN_REGEX,
            &["example.com"],
        ));
    }
    errors
}

/// `IsValidPortName` (IANA_SVC_NAME).
pub fn port_name(s: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if s.len() > 15 {
        errors.push(max_len_error(15));
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        || s.is_empty()
    {
        errors
            .push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        errors.push("must contain at least one letter (a-z)".into());
    }
    if s.contains("--") {
        errors.push("must not contain consecutive hyphens".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errors.push("must not begin or end with a hyphen".into());
    }
    errors
}

/// `IsValidPortNum`.
pub fn port_number(n: i64) -> Option<String> {
    (!(1..=65535).contains(&n)).then(|| "must be between 1 and 65535, inclusive".to_string())
}

/// Environment variable names: relaxed validation (any printable ASCII but `=`) is on by
/// default from Kubernetes 1.32 (beta) and locked on from 1.34 (GA); before, the strict
/// C-identifier-like rule applies.
pub fn env_var_name(s: &str, relaxed: bool) -> Vec<String> {
    if relaxed {
        if s.is_empty() {
            return vec!["environment variable name must be non-empty".into()];
        }
        if !s.bytes().all(|c| (32..=126).contains(&c) && c != b'=') {
            return vec![
                "a valid environment variable name must consist only of printable ASCII characters other than '='"
                    .into(),
            ];
        }
        return Vec::new();
    }
    let mut errors = Vec::new();
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    if !ok {
        errors.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            "[-._a-zA-Z][-._a-zA-Z0-9]*",
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errors.extend(dot_name_error(s));
    errors
}

/// `IsConfigMapKey` (also used for Secret keys).
pub fn config_key(s: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if s.len() > 253 {
        errors.push(max_len_error(253));
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
    {
        errors.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errors.extend(dot_name_error(s));
    errors
}

/// apimachinery's `hasChDirPrefix` checks shared by env names and config keys: `.`, `..`, `..x`.
fn dot_name_error(s: &str) -> Option<String> {
    if s == "." {
        Some("must not be '.'".into())
    } else if s == ".." {
        Some("must not be '..'".into())
    } else if s.starts_with("..") {
        Some("must not start with '..'".into())
    } else {
        None
    }
}

/// HTTP header names in `httpGet.httpHeaders`.
pub fn http_header_name(s: &str) -> Vec<String> {
    if !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        return Vec::new();
    }
    vec![regex_error(
        "a valid HTTP header must consist of alphanumeric characters or '-'",
        "[-A-Za-z0-9]+",
        &["X-Header-Name"],
    )]
}

/// Whether `s` is a qualified name (`[prefix/]name`), as resource names must be.
pub fn is_qualified_name(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if prefix.is_some_and(|p| !is_subdomain(p) || p.len() > 253) {
        return false;
    }
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_messages_match_the_api() {
        assert!(dns1123_label("log-shipper").is_empty());
        assert_eq!(
            dns1123_label("Log_Shipper"),
            [
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(dns1123_label("a.b"), ["must not contain dots"]);
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            ["must be no more than 63 characters"]
        );
    }

    #[test]
    fn port_names() {
        assert!(port_name("http").is_empty());
        assert_eq!(
            port_name("metrics-endpoint-http"),
            ["must be no more than 15 characters"]
        );
        assert_eq!(
            port_name("8080"),
            ["must contain at least one letter (a-z)"]
        );
        assert_eq!(port_name("a--b"), ["must not contain consecutive hyphens"]);
        assert!(port_name("Http").contains(
            &"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string()
        ));
    }

    #[test]
    fn env_names() {
        assert!(env_var_name("MY_VAR", false).is_empty());
        assert!(!env_var_name("1VAR", false).is_empty());
        assert!(env_var_name("1VAR", true).is_empty());
        assert!(!env_var_name("A=B", true).is_empty());
    }

    #[test]
    fn qualified_names() {
        assert!(is_qualified_name("nvidia.com/gpu"));
        assert!(is_qualified_name("cpu"));
        assert!(!is_qualified_name("-bad"));
        assert!(!is_qualified_name("Bad_Prefix/x"));
    }
}
