//! Exact money and percentages: `Money` wraps `rust_decimal::Decimal` (万元),
//! parsed from the YAML scalar's own text, never through `f64`; the display
//! rules of layouts.md §3.6 (trimmed or fixed decimals, thousands separators,
//! half-up percentages, no division by zero) live here and nowhere else.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of money in the document's unit (万元 unless stated otherwise).
/// Keeps the scale it was written with (`270.90` stays `270.90`), so tables can
/// print what was entered while narrative text trims trailing zeros.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub Decimal);

/// Why a scalar is not a valid amount. The texts are shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Scientific(String),
    TooManyDecimals(String),
    BadThousands(String),
    NotANumber(String),
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::Empty => write!(f, "金额为空"),
            MoneyError::Scientific(s) => {
                write!(f, "金额“{s}”使用了科学计数法，请写成普通小数（例如 1088580.22）")
            }
            MoneyError::TooManyDecimals(s) => {
                write!(f, "金额“{s}”超过两位小数；金额以万元计，最多保留两位小数")
            }
            MoneyError::BadThousands(s) => {
                write!(f, "金额“{s}”的千分位逗号位置不对；请去掉逗号（例如 1540.70）或每三位一个逗号（1,540.70）")
            }
            MoneyError::NotANumber(s) => write!(f, "“{s}”不是数字：这里应填金额或分值，例如 385.28"),
        }
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Parses the text of a YAML scalar. Accepts `385.28`, `-3.65`, `162`,
    /// and correctly grouped thousands separators (`1,540.70`); rejects more
    /// than two decimals, exponents, full-width digits and anything else.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        if t.contains(['e', 'E']) && t.chars().any(|c| c.is_ascii_digit()) {
            return Err(MoneyError::Scientific(t.to_string()));
        }
        let (sign, body) = match t.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", t.strip_prefix('+').unwrap_or(t)),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let int_digits: String = if int_part.contains(',') {
            let groups: Vec<&str> = int_part.split(',').collect();
            let ok = !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3)
                && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(MoneyError::BadThousands(t.to_string()));
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if int_digits.is_empty() || !int_digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(MoneyError::NotANumber(t.to_string()));
        }
        if let Some(f) = frac_part {
            if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
                return Err(MoneyError::NotANumber(t.to_string()));
            }
            if f.len() > 2 {
                return Err(MoneyError::TooManyDecimals(t.to_string()));
            }
        }
        if int_digits.len() > 15 {
            return Err(MoneyError::NotANumber(t.to_string()));
        }
        let canonical = match frac_part {
            Some(f) => format!("{sign}{int_digits}.{f}"),
            None => format!("{sign}{int_digits}"),
        };
        Decimal::from_str_exact(&canonical).map(Money).map_err(|_| MoneyError::NotANumber(t.to_string()))
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// A difference (actual − expected) with its sign always shown: `+0.01`, `-3`.
    pub fn signed(self) -> String {
        if self.0.is_sign_positive() && !self.0.is_zero() { format!("+{}", self.trimmed()) } else { self.trimmed() }
    }

    /// The value with trailing zeros removed (`270.90` → `270.9`, `162.00` → `162`).
    pub fn trimmed(self) -> String {
        let d = self.0.normalize();
        if d.is_zero() { "0".into() } else { d.to_string() }
    }

    /// The value with exactly two decimals (`0` → `0.00`).
    pub fn fixed2(self) -> String {
        let mut d = self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(2);
        d.to_string()
    }

    /// The value as entered (keeps `270.90` and `0.8`).
    pub fn as_entered(self) -> String {
        if self.0.is_zero() { "0".into() } else { self.0.to_string() }
    }

    /// Formats according to a money style.
    pub fn format(self, style: MoneyStyle, thousands: bool) -> String {
        let s = match style {
            MoneyStyle::Trim => self.trimmed(),
            MoneyStyle::Fixed2 => self.fixed2(),
            MoneyStyle::AsEntered => self.as_entered(),
        };
        if thousands { group_thousands(&s) } else { s }
    }
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() <= 3 {
        return s.to_string();
    }
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// How amounts are written (layouts.md §3.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyStyle {
    /// Trailing zeros removed: `270.9`, `162`.
    #[default]
    Trim,
    /// Always two decimals: `270.90`, `162.00`.
    Fixed2,
    /// As the user wrote it: `270.90`, `0.8`, `162`.
    AsEntered,
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_entered())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// A ratio `numerator / denominator`, kept exact until it is printed.
/// Construction refuses a zero denominator, so no n/0 ever reaches a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio(Decimal);

impl Ratio {
    /// `None` when the denominator is zero.
    pub fn of(numerator: Money, denominator: Money) -> Option<Ratio> {
        if denominator.is_zero() { None } else { numerator.0.checked_div(denominator.0).map(Ratio) }
    }

    /// The percentage rounded half-up to `decimals` places, trailing zeros
    /// removed (`42.05`, `100`, `0`), without the `%` sign. A share that is
    /// not zero but rounds to zero prints as `不足0.01` (or `不足1` with no
    /// decimals): “占基本支出0%” next to a non-zero amount would be false.
    /// A tiny negative ratio (a change) rounds to `0`.
    pub fn percent(self, decimals: u32) -> String {
        let p = (self.0 * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        if !p.is_zero() {
            p.to_string()
        } else if self.0.is_sign_positive() && !self.0.is_zero() {
            format!("不足{}", Decimal::new(1, decimals))
        } else {
            "0".into()
        }
    }

    /// The percentage rounded half-up with exactly `decimals` places.
    pub fn percent_fixed(self, decimals: u32) -> String {
        let mut p =
            (self.0 * Decimal::ONE_HUNDRED).round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        p.rescale(decimals);
        p.to_string()
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_shares_do_not_print_as_zero() {
        let r = |a: &str, b: &str| Ratio::of(Money::parse(a).unwrap(), Money::parse(b).unwrap()).unwrap();
        assert_eq!(r("0.28", "18307.38").percent(2), "不足0.01");
        assert_eq!(r("0.28", "18307.38").percent(0), "不足1");
        assert_eq!(r("0", "5").percent(2), "0");
        assert_eq!(r("-0.28", "18307.38").percent(2), "0");
        assert_eq!(r("1", "3").percent(2), "33.33");
    }

    #[test]
    fn parses_exactly_what_was_written() {
        for (text, shown) in [
            ("0.1", "0.1"),
            ("385.28", "385.28"),
            ("1088580.22", "1088580.22"),
            ("18080.97", "18080.97"),
            ("270.90", "270.90"),
            ("162", "162"),
            ("-3.65", "-3.65"),
            ("1,540.70", "1540.70"),
            ("18,080.97", "18080.97"),
        ] {
            assert_eq!(Money::parse(text).unwrap().as_entered(), shown, "{text}");
        }
    }

    #[test]
    fn rejects_what_would_change_the_value() {
        assert!(matches!(Money::parse("1.234"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("1e3"), Err(MoneyError::Scientific(_))));
        assert!(matches!(Money::parse("1,54.70"), Err(MoneyError::BadThousands(_))));
        assert!(matches!(Money::parse("1540,70"), Err(MoneyError::BadThousands(_))));
        assert!(matches!(Money::parse("１２"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("12."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse(""), Err(MoneyError::Empty)));
        assert!(matches!(Money::parse("NaN"), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn formats_per_style() {
        let m = Money::parse("270.90").unwrap();
        assert_eq!(m.trimmed(), "270.9");
        assert_eq!(m.fixed2(), "270.90");
        assert_eq!(Money::parse("0").unwrap().fixed2(), "0.00");
        assert_eq!(Money::parse("18307.4").unwrap().format(MoneyStyle::Trim, true), "18,307.4");
        assert_eq!(Money::parse("-1540.7").unwrap().format(MoneyStyle::Fixed2, true), "-1,540.70");
        assert_eq!(Money::parse("999.5").unwrap().format(MoneyStyle::Trim, true), "999.5");
    }

    #[test]
    fn percentages_round_half_up_and_refuse_zero_denominators() {
        let m = |s| Money::parse(s).unwrap();
        assert_eq!(Ratio::of(m("162"), m("385.28")).unwrap().percent(2), "42.05");
        assert_eq!(Ratio::of(m("40.16"), m("162")).unwrap().percent(2), "24.79");
        assert_eq!(Ratio::of(m("250.58"), m("412.58")).unwrap().percent(0), "61");
        assert_eq!(Ratio::of(m("1"), m("8")).unwrap().percent(2), "12.5");
        assert_eq!(Ratio::of(m("1"), m("8")).unwrap().percent_fixed(2), "12.50");
        // 0.125% rounds half-up to 0.13
        assert_eq!(Ratio::of(m("0.01"), m("8")).unwrap().percent(2), "0.13");
        assert_eq!(Ratio::of(m("162"), m("162")).unwrap().percent(2), "100");
        assert!(Ratio::of(m("3"), m("0")).is_none());
    }
}
