//! Typing of plain (unquoted) YAML scalars, the way Kubernetes reads them.
//!
//! The Kubernetes API machinery (and `kubectl`, and KubeVela's Application decoding) turn YAML into
//! JSON with go-yaml v2, which follows YAML 1.1: `yes`, `no`, `on`, `off`, `y`, `n` are booleans,
//! `0755` is an octal integer, `1_000` is 1000. We type plain scalars by the same rules, so that
//! `value: yes` on an env var is seen as the boolean the API server will reject, not as a string.
//! Quoted and block scalars are always strings.

use super::tree::{Number, Value};

/// Type a plain YAML scalar by go-yaml v2 (YAML 1.1) rules.
pub fn resolve_plain_scalar(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Value::String(s.into());
    }
    // Floats JSON cannot hold (the API machinery then fails to convert the document).
    match s {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(Number::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(Number::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Value::Number(Number::Float(f64::NAN)),
        _ => {}
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Value::Number(Number::Int(i));
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Value::Number(Number::UInt(u));
    }
    if is_yaml_style_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
        && f.is_finite()
    {
        return Value::Number(Number::Float(f));
    }
    Value::String(s.into())
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`/`0o`/`0b` prefixes, a leading `0` for
/// octal, else decimal.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_prefixed_u64(digits)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `strconv.ParseUint(s, 0, 64)`.
fn go_parse_uint(s: &str) -> Option<u64> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    parse_prefixed_u64(digits)
}

fn parse_prefixed_u64(digits: &str) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    let (radix, body) = match lower.as_deref() {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(body, radix).ok()
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    } else {
        if !digits(&mut i) {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        match resolve_plain_scalar(s) {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("bool:{b}"),
            Value::Number(Number::Int(i)) => format!("int:{i}"),
            Value::Number(Number::UInt(u)) => format!("uint:{u}"),
            Value::Number(Number::Float(f)) => format!("float:{f}"),
            Value::String(s) => format!("str:{s}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn yaml_1_1_booleans() {
        for t in ["yes", "Yes", "on", "ON", "y", "true"] {
            assert_eq!(show(t), "bool:true", "{t}");
        }
        for f in ["no", "off", "N", "False"] {
            assert_eq!(show(f), "bool:false", "{f}");
        }
        assert_eq!(show("yEs"), "str:yEs");
    }

    #[test]
    fn nulls() {
        for n in ["", "~", "null", "NULL"] {
            assert_eq!(show(n), "null");
        }
    }

    #[test]
    fn integers_with_go_prefixes() {
        assert_eq!(show("8080"), "int:8080");
        assert_eq!(show("0755"), "int:493");
        assert_eq!(show("0x1F"), "int:31");
        assert_eq!(show("0b101"), "int:5");
        assert_eq!(show("-12"), "int:-12");
        assert_eq!(show("1_000"), "int:1000");
        assert_eq!(show("18446744073709551615"), "uint:18446744073709551615");
    }

    #[test]
    fn floats_and_near_misses() {
        assert_eq!(show("1.5"), "float:1.5");
        assert_eq!(show("1e3"), "float:1000");
        assert_eq!(show("08"), "float:8");
        assert_eq!(show(".5"), "float:0.5");
        assert_eq!(show("100m"), "str:100m");
        assert_eq!(show("1.2.3"), "str:1.2.3");
        assert_eq!(show("-"), "str:-");
        assert_eq!(show(".inf"), "float:inf");
        assert_eq!(show(".NaN"), "float:NaN");
        assert_eq!(show("nginx:1.25"), "str:nginx:1.25");
    }
}
