//! Exact money and percentages: `Money` wraps `rust_decimal::Decimal`,
//! parsed from the YAML scalar's own text, never through `f64`, at the
//! precision of the source (元 to the 分, 万元 or 亿元 with as many decimals
//! as the source has). Every sum, balance, share and rate is computed from
//! the exact values and rounded once, when it is printed, by the formats
//! here ([`MoneyFormat`], [`PercentFormat`]); no division by zero is possible
//! ([`Ratio::of`] refuses it).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of money. Inside gongkai every amount is in 万元 (the ledger
/// converts a file's 元 or 亿元 exactly when it reads it); it keeps the scale
/// it was written with (`270.90` stays `270.90`), so tables can print what
/// was entered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub Decimal);

/// The most decimals an amount may be written with (亿元 to the 分).
pub const MAX_DECIMALS: usize = 10;

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
                write!(f, "金额“{s}”的小数位太多（最多 {MAX_DECIMALS} 位）")
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
    /// `27.975`, and correctly grouped thousands separators (`1,540.70`);
    /// rejects exponents, full-width digits and anything else.
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
            if f.len() > MAX_DECIMALS {
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

    /// An integer amount (a weight, a score).
    pub fn from_int(i: i64) -> Money {
        Money(Decimal::from(i))
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

    /// The decimals the value was written (or computed) with.
    pub fn scale(self) -> u32 {
        self.0.scale()
    }

    /// Half a unit of the last decimal a typed amount was written with —
    /// how far it may be from the exact figure it was rounded from. Amounts
    /// written with fewer than two decimals (`162`) count as written to the
    /// 0.01, as amounts in a published table are.
    pub fn rounding(self) -> Decimal {
        Decimal::new(5, self.scale().max(2) + 1)
    }

    /// A difference (actual − expected) with its sign always shown: `+0.01`, `-3`.
    pub fn signed(self) -> String {
        if self.0.is_sign_positive() && !self.0.is_zero() { format!("+{}", self.trimmed()) } else { self.trimmed() }
    }

    /// The value with trailing zeros removed (`270.90` → `270.9`, `162.00` → `162`),
    /// for messages: exact, never rounded.
    pub fn trimmed(self) -> String {
        let d = self.0.normalize();
        if d.is_zero() { "0".into() } else { d.to_string() }
    }

    /// The value as entered (keeps `270.90` and `0.8`).
    pub fn as_entered(self) -> String {
        if self.0.is_zero() { "0".into() } else { self.0.to_string() }
    }

    /// Rounded half away from zero to `decimals` places.
    pub fn round(self, decimals: u32) -> Money {
        Money(self.0.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
    }
}

/// The unit amounts are written in (a data file's `unit:`) or printed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Unit {
    #[serde(rename = "元")]
    Yuan,
    #[default]
    #[serde(rename = "万元")]
    Wanyuan,
    #[serde(rename = "亿元")]
    Yiyuan,
}

impl Unit {
    pub fn zh(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wanyuan => "万元",
            Unit::Yiyuan => "亿元",
        }
    }

    /// An amount written in this unit, in 万元 (exact).
    pub fn to_wanyuan(self, m: Money) -> Money {
        match self {
            Unit::Wanyuan => m,
            // The decimal point moves four places: 2,709,000元 is 270.9000万元,
            // which keeps the precision it was written with.
            Unit::Yuan => Money(Decimal::from_i128_with_scale(m.0.mantissa(), m.0.scale() + 4)),
            Unit::Yiyuan => Money(m.0 * Decimal::from(10_000)),
        }
    }

    /// An amount in 万元, expressed in this unit (exact).
    pub fn from_wanyuan(self, m: Money) -> Money {
        match self {
            Unit::Wanyuan => m,
            Unit::Yuan => Money(m.0 * Decimal::from(10_000)),
            Unit::Yiyuan => Money(m.0 / Decimal::from(10_000)),
        }
    }

    /// The most decimals that still mean something in this unit (the 分).
    pub fn max_decimals(self) -> u32 {
        match self {
            Unit::Yuan => 2,
            Unit::Wanyuan => 6,
            Unit::Yiyuan => 10,
        }
    }
}

/// By hand, so that a wrong unit is refused in Chinese (L-VALUE), at its position.
impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Unit, String> {
        match s.trim() {
            "元" => Ok(Unit::Yuan),
            "万元" => Ok(Unit::Wanyuan),
            "亿元" => Ok(Unit::Yiyuan),
            other => Err(format!("金额单位“{other}”无效：应为 元、万元 或 亿元")),
        }
    }
}

/// How amounts are written (layouts.md §3.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyStyle {
    /// Trailing zeros removed: `270.9`, `162`.
    #[default]
    Trim,
    /// Always `decimals` decimals: `270.90`, `162.00`.
    Fixed2,
    /// As the user wrote it (`270.90`, `0.8`, `162`), rounded to `decimals` if written with more.
    AsEntered,
}

/// How one document prints amounts: style, decimals, separators and unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneyFormat {
    pub style: MoneyStyle,
    pub decimals: u32,
    pub thousands: bool,
    pub unit: Unit,
}

impl MoneyFormat {
    /// `m` (in 万元) as this format prints it: converted to the format's
    /// unit, rounded once to its decimals.
    pub fn format(&self, m: Money) -> String {
        let m = self.unit.from_wanyuan(m);
        let rounded = m.round(self.decimals);
        let s = match self.style {
            MoneyStyle::Trim => {
                let d = rounded.0.normalize();
                if d.is_zero() { "0".to_string() } else { d.to_string() }
            }
            MoneyStyle::Fixed2 => {
                let mut d = rounded.0;
                d.rescale(self.decimals);
                d.to_string()
            }
            MoneyStyle::AsEntered => {
                if m.0.is_zero() {
                    "0".to_string()
                } else if m.scale() > self.decimals {
                    rounded.0.to_string()
                } else {
                    m.0.to_string()
                }
            }
        };
        // −0.004 rounds to “-0.00”: a zero has no sign.
        let s = if s.starts_with('-') && rounded.is_zero() { s[1..].to_string() } else { s };
        if self.thousands { group_thousands(&s) } else { s }
    }

    /// The printed value, as a number: what a reader of the document sees.
    pub fn printed(&self, m: Money) -> Money {
        Money(self.unit.from_wanyuan(m).round(self.decimals).0)
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

/// How one document prints percentages: one rule per profile
/// (“94.40%”, “100.00%” by default; trimmed where a profile asks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PercentFormat {
    pub decimals: u32,
    /// Trailing zeros removed (`94.4`, `100`).
    pub trim: bool,
}

impl Default for PercentFormat {
    fn default() -> Self {
        PercentFormat { decimals: 2, trim: false }
    }
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

    /// The percentage as `f` prints it, without the `%` sign: rounded
    /// half-up once. A share that is not zero but rounds to zero prints as
    /// `不足0.01` (or `不足1` with no decimals): “占基本支出0%” next to a
    /// non-zero amount would be false. A tiny negative ratio (a change)
    /// rounds to `0`.
    pub fn format(self, f: PercentFormat) -> String {
        let mut p =
            (self.0 * Decimal::ONE_HUNDRED).round_dp_with_strategy(f.decimals, RoundingStrategy::MidpointAwayFromZero);
        if p.is_zero() {
            return if self.0.is_sign_positive() && !self.0.is_zero() {
                format!("不足{}", Decimal::new(1, f.decimals))
            } else if f.trim {
                "0".into()
            } else {
                let mut z = Decimal::ZERO;
                z.rescale(f.decimals);
                z.to_string()
            };
        }
        if f.trim {
            p = p.normalize();
        } else {
            p.rescale(f.decimals);
        }
        p.to_string()
    }

    /// The ratio itself rounded half-up to `decimals` places (a chart's
    /// proportion, never printed).
    pub fn fraction(self, decimals: u32) -> Decimal {
        self.0.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero).normalize()
    }

    /// The percentage rounded half-up to `decimals` places, trailing zeros removed.
    pub fn percent(self, decimals: u32) -> String {
        self.format(PercentFormat { decimals, trim: true })
    }

    /// The percentage rounded half-up with exactly `decimals` places.
    pub fn percent_fixed(self, decimals: u32) -> String {
        self.format(PercentFormat { decimals, trim: false })
    }

    /// The exact percentage (×100).
    pub fn percent_value(self) -> Decimal {
        self.0 * Decimal::ONE_HUNDRED
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn tiny_shares_do_not_print_as_zero() {
        let r = |a: &str, b: &str| Ratio::of(m(a), m(b)).unwrap();
        assert_eq!(r("0.28", "18307.38").percent(2), "不足0.01");
        assert_eq!(r("0.28", "18307.38").percent(0), "不足1");
        assert_eq!(r("0", "5").percent(2), "0");
        assert_eq!(r("0", "5").percent_fixed(2), "0.00");
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
            ("27.975", "27.975"),
            ("1.234567", "1.234567"),
        ] {
            assert_eq!(m(text).as_entered(), shown, "{text}");
        }
    }

    #[test]
    fn rejects_what_would_change_the_value() {
        assert!(matches!(Money::parse("1.12345678901"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("1e3"), Err(MoneyError::Scientific(_))));
        assert!(matches!(Money::parse("1,54.70"), Err(MoneyError::BadThousands(_))));
        assert!(matches!(Money::parse("1540,70"), Err(MoneyError::BadThousands(_))));
        assert!(matches!(Money::parse("１２"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("12."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse(""), Err(MoneyError::Empty)));
        assert!(matches!(Money::parse("NaN"), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn formats_round_once_per_style() {
        let f = |style, decimals, thousands| MoneyFormat { style, decimals, thousands, unit: Unit::Wanyuan };
        assert_eq!(f(MoneyStyle::Trim, 2, false).format(m("270.90")), "270.9");
        assert_eq!(f(MoneyStyle::Fixed2, 2, false).format(m("270.9")), "270.90");
        assert_eq!(f(MoneyStyle::Fixed2, 2, false).format(m("0")), "0.00");
        assert_eq!(f(MoneyStyle::Trim, 2, true).format(m("18307.4")), "18,307.4");
        assert_eq!(f(MoneyStyle::Fixed2, 2, true).format(m("-1540.7")), "-1,540.70");
        assert_eq!(f(MoneyStyle::AsEntered, 2, false).format(m("270.90")), "270.90");
        assert_eq!(f(MoneyStyle::AsEntered, 2, false).format(m("27.975")), "27.98");
        assert_eq!(f(MoneyStyle::AsEntered, 3, false).format(m("27.975")), "27.975");
        assert_eq!(f(MoneyStyle::Trim, 2, false).format(m("-0.004")), "0");
        // A sum rounds once: 0.004 + 0.004 = 0.008 → 0.01, not 0.00 + 0.00.
        assert_eq!(f(MoneyStyle::Fixed2, 2, false).format(m("0.004") + m("0.004")), "0.01");
    }

    #[test]
    fn units_convert_exactly() {
        let yuan = Unit::Yuan.to_wanyuan(m("12345678.90"));
        assert_eq!(yuan, m("1234.56789"));
        assert_eq!(yuan.as_entered(), "1234.567890");
        let f = MoneyFormat { style: MoneyStyle::Fixed2, decimals: 2, thousands: true, unit: Unit::Yuan };
        assert_eq!(f.format(yuan), "12,345,678.90");
        let yi = MoneyFormat { style: MoneyStyle::Trim, decimals: 2, thousands: false, unit: Unit::Yiyuan };
        assert_eq!(yi.format(Unit::Yiyuan.to_wanyuan(m("-11.59"))), "-11.59");
        assert_eq!(m("69.82").rounding(), Decimal::new(5, 3));
        assert_eq!(m("162").rounding(), Decimal::new(5, 3));
        assert_eq!(m("27.975").rounding(), Decimal::new(5, 4));
    }

    #[test]
    fn percentages_round_half_up_and_refuse_zero_denominators() {
        assert_eq!(Ratio::of(m("162"), m("385.28")).unwrap().percent(2), "42.05");
        assert_eq!(Ratio::of(m("40.16"), m("162")).unwrap().percent(2), "24.79");
        assert_eq!(Ratio::of(m("250.58"), m("412.58")).unwrap().percent(0), "61");
        assert_eq!(Ratio::of(m("1"), m("8")).unwrap().percent(2), "12.5");
        assert_eq!(Ratio::of(m("1"), m("8")).unwrap().percent_fixed(2), "12.50");
        assert_eq!(Ratio::of(m("793.68"), m("840.77")).unwrap().format(PercentFormat::default()), "94.40");
        assert_eq!(Ratio::of(m("162"), m("162")).unwrap().format(PercentFormat::default()), "100.00");
        // 0.125% rounds half-up to 0.13
        assert_eq!(Ratio::of(m("0.01"), m("8")).unwrap().percent(2), "0.13");
        assert_eq!(Ratio::of(m("162"), m("162")).unwrap().percent(2), "100");
        assert!(Ratio::of(m("3"), m("0")).is_none());
    }
}
