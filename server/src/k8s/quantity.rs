//! `resource.Quantity`, parsed exactly as apimachinery's `ParseQuantity` does (research:
//! kubernetes-rules.md §9.2): case-sensitive suffixes, an integer exponent, values rounded up to
//! nano units. Values are kept as exact integers of nano-units so comparisons never round.

use std::cmp::Ordering;
use std::fmt;

/// Which family of suffix a quantity was written with (it decides the canonical form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, … (powers of 1024).
    BinarySi,
    /// `m`, `k`, `M`, … or no suffix (powers of 1000).
    DecimalSi,
    /// `e3`, `E-2`, … (powers of ten).
    DecimalExponent,
}

/// A parsed quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    /// The value in nano-units (10^-9), rounded up as apimachinery rounds.
    pub nanos: i128,
    /// The suffix family it was written with.
    pub format: Format,
}

/// Why a string is not a quantity, with apimachinery's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// `ErrFormatWrong`.
    FormatWrong,
    /// `ErrNumeric`.
    Numeric,
    /// `ErrSuffix`.
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => {
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            }
            QuantityError::Numeric => "unable to parse numeric part of quantity",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

const NANOS_PER_UNIT: i128 = 1_000_000_000;
/// Values beyond this are capped (apimachinery caps at 2^63-1 units).
const MAX_NANOS: i128 = (i64::MAX as i128) * NANOS_PER_UNIT;

impl Quantity {
    /// Parse a quantity string.
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let parts = split(s)?;
        let (base, exponent, format) =
            interpret_suffix(parts.suffix).ok_or(QuantityError::Suffix)?;
        if parts.integer.is_empty() && parts.fraction.is_empty() {
            return Err(QuantityError::Numeric);
        }
        // value = digits × 10^-len(fraction) × base^exponent, in nanos, rounded up in magnitude.
        let digits: String = format!("{}{}", parts.integer, parts.fraction);
        let digits = digits.trim_start_matches('0');
        let mut numerator: i128 = 0;
        for (i, d) in digits.bytes().enumerate() {
            if i > 38 {
                return Ok(Quantity::capped(parts.negative, format));
            }
            numerator = numerator
                .saturating_mul(10)
                .saturating_add(i128::from(d - b'0'));
        }
        let mut denominator: i128 = 1;
        let mut scale10 = 9i32 - parts.fraction.len() as i32; // to nanos
        let mut scale2 = 0i32;
        if base == 10 {
            scale10 += exponent;
        } else {
            scale2 = exponent;
        }
        // Apply powers of two first (they never make fractions).
        for _ in 0..scale2 {
            numerator = numerator.saturating_mul(2);
        }
        if scale10 >= 0 {
            for _ in 0..scale10.min(60) {
                numerator = numerator.saturating_mul(10);
            }
        } else {
            for _ in 0..(-scale10).min(60) {
                denominator = denominator.saturating_mul(10);
            }
        }
        let mut nanos = numerator / denominator;
        if numerator % denominator != 0 {
            nanos += 1; // round up, as apimachinery does
        }
        if nanos > MAX_NANOS {
            return Ok(Quantity::capped(parts.negative, format));
        }
        Ok(Quantity {
            nanos: if parts.negative { -nanos } else { nanos },
            format,
        })
    }

    fn capped(negative: bool, format: Format) -> Quantity {
        Quantity {
            nanos: if negative { -MAX_NANOS } else { MAX_NANOS },
            format,
        }
    }

    /// The value rounded up to milli-units, as `SetDefaults_ResourceList` does.
    pub fn rounded_to_milli(self) -> Quantity {
        let step = 1_000_000;
        let rem = self.nanos.rem_euclid(step);
        let nanos = if rem == 0 {
            self.nanos
        } else {
            self.nanos - rem + step
        };
        Quantity { nanos, ..self }
    }

    /// Whether the value is negative.
    pub fn is_negative(self) -> bool {
        self.nanos < 0
    }

    /// The value in units as `f64` (for display and arithmetic that tolerates rounding).
    pub fn as_f64(self) -> f64 {
        self.nanos as f64 / NANOS_PER_UNIT as f64
    }

    /// Whether the value is a whole number of units.
    pub fn is_integer(self) -> bool {
        self.nanos % NANOS_PER_UNIT == 0
    }

    /// A quantity of `nanos` in the given format.
    pub fn from_nanos(nanos: i128, format: Format) -> Quantity {
        Quantity { nanos, format }
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.nanos.cmp(&other.nanos))
    }
}

impl fmt::Display for Quantity {
    /// The canonical form Kubernetes prints (`1.5Gi` → `1536Mi`, `0.5` → `500m`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.abs();
        if self.format == Format::BinarySi && n % NANOS_PER_UNIT == 0 && n >= 1024 * NANOS_PER_UNIT
        {
            let units = n / NANOS_PER_UNIT;
            const SUFFIXES: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            let mut best = None;
            for (k, suffix) in SUFFIXES.iter().enumerate() {
                let div = 1i128 << (10 * (k + 1));
                if units % div == 0 {
                    best = Some((units / div, *suffix));
                }
            }
            if let Some((v, suffix)) = best {
                return write!(f, "{sign}{v}{suffix}");
            }
        }
        if n == 0 {
            return f.write_str("0");
        }
        // Decimal SI: the largest suffix that keeps an integer mantissa.
        const DECIMAL: [(i32, &str); 10] = [
            (18, "E"),
            (15, "P"),
            (12, "T"),
            (9, "G"),
            (6, "M"),
            (3, "k"),
            (0, ""),
            (-3, "m"),
            (-6, "u"),
            (-9, "n"),
        ];
        for (exp, suffix) in DECIMAL {
            let div = 10i128.pow((exp + 9) as u32);
            if n % div == 0 {
                return write!(f, "{sign}{}{suffix}", n / div);
            }
        }
        write!(f, "{sign}{n}n")
    }
}

struct Parts<'a> {
    negative: bool,
    integer: &'a str,
    fraction: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`: sign, integer digits, optional `.` and fraction digits, then a suffix of
/// `eEinumkKMGTP` characters optionally followed by a signed integer.
fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let b = s.as_bytes();
    let mut pos = 0;
    let negative = match b.first() {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    let int_start = pos;
    while b.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let integer = &s[int_start..pos];
    let mut fraction = "";
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let frac_start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        fraction = &s[frac_start..pos];
    }
    let suffix_start = pos;
    while b.get(pos).is_some_and(|c| b"eEinumkKMGTP".contains(c)) {
        pos += 1;
    }
    if matches!(b.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while b.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    if pos != b.len() {
        return Err(QuantityError::FormatWrong);
    }
    Ok(Parts {
        negative,
        integer,
        fraction,
        suffix: &s[suffix_start..],
    })
}

/// `suffixer.interpret`: base, exponent and format of a suffix.
fn interpret_suffix(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSi));
    let binary = |e| Some((2, e, Format::BinarySi));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            let exponent: i32 = suffix[1..].parse().ok()?;
            (-60..=60)
                .contains(&exponent)
                .then_some((10, exponent, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// A suggestion for a suffix with the wrong case (`mi` → `Mi`, `K` → `k` or `Ki`).
pub fn suffix_hint(s: &str) -> Option<String> {
    let start = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))?;
    let (number, suffix) = s.split_at(start);
    let fixes: &[(&str, &str)] = &[
        ("ki", "Ki"),
        ("mi", "Mi"),
        ("gi", "Gi"),
        ("ti", "Ti"),
        ("pi", "Pi"),
        ("ei", "Ei"),
        ("K", "k"),
        ("KI", "Ki"),
        ("MI", "Mi"),
        ("GI", "Gi"),
        ("Kb", "Ki"),
        ("KB", "Ki"),
        ("Mb", "Mi"),
        ("MB", "Mi"),
        ("Gb", "Gi"),
        ("GB", "Gi"),
        ("g", "G"),
    ];
    fixes
        .iter()
        .find(|(wrong, _)| *wrong == suffix)
        .map(|(_, right)| format!("{number}{right}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_the_grammar() {
        assert_eq!(q("100m").nanos, 100_000_000);
        assert_eq!(q("0.1").nanos, q("100m").nanos);
        assert_eq!(q("1Gi").nanos, 1_073_741_824 * NANOS_PER_UNIT);
        assert_eq!(q("1e3").nanos, q("1k").nanos);
        assert_eq!(q("1.").nanos, NANOS_PER_UNIT);
        assert_eq!(q(".5").nanos, NANOS_PER_UNIT / 2);
        assert_eq!(q("-1").nanos, -NANOS_PER_UNIT);
        assert_eq!(q("+2").nanos, 2 * NANOS_PER_UNIT);
        assert_eq!(q("0").nanos, 0);
        assert_eq!(q("1n").nanos, 1);
        assert_eq!(q("2E-2").nanos, 20_000_000);
    }

    #[test]
    fn rejects_what_apimachinery_rejects() {
        assert_eq!(Quantity::parse(""), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1mi"), Err(QuantityError::Suffix));
        assert_eq!(Quantity::parse("1K"), Err(QuantityError::Suffix));
        assert_eq!(Quantity::parse("1e3.5"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("abc"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("m"), Err(QuantityError::Numeric));
        assert_eq!(Quantity::parse("1 Gi"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1e"), Err(QuantityError::Suffix));
    }

    #[test]
    fn rounds_up_sub_nano_values() {
        assert_eq!(q("0.0000000001").nanos, 1);
        assert_eq!(q("0.1m").rounded_to_milli().nanos, 1_000_000);
    }

    #[test]
    fn canonical_form() {
        assert_eq!(q("1.5Gi").to_string(), "1536Mi");
        assert_eq!(q("1.5").to_string(), "1500m");
        assert_eq!(q("256Mi").to_string(), "256Mi");
        assert_eq!(q("0.1").to_string(), "100m");
        assert_eq!(q("1000").to_string(), "1k");
        assert_eq!(q("512").to_string(), "512");
    }

    #[test]
    fn compares_exactly() {
        assert!(q("256Mi") > q("128Mi"));
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("0.5").partial_cmp(&q("500m")), Some(Ordering::Equal));
    }

    #[test]
    fn suffix_hints() {
        assert_eq!(suffix_hint("256mi").as_deref(), Some("256Mi"));
        assert_eq!(suffix_hint("1K").as_deref(), Some("1k"));
        assert_eq!(suffix_hint("100m"), None);
    }
}
