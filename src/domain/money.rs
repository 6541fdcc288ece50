//! Money: integer minor units (cents) of the studio's one currency. Nothing here is a float,
//! so a total is the same on every machine and every run; the few divisions (percentages,
//! tax) round half away from zero, as invoices do.

use std::{fmt, iter::Sum, ops};

use serde::{Deserialize, Serialize};

/// An amount in minor units (cents). Sums of many lines stay far inside `i64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// `self × quantity`.
    pub fn times(self, quantity: u32) -> Money {
        Money(self.0 * i64::from(quantity))
    }

    /// `self × numerator / denominator`, rounded half away from zero.
    pub fn ratio(self, numerator: i64, denominator: i64) -> Money {
        Money(div_round(i128::from(self.0) * i128::from(numerator), i128::from(denominator)) as i64)
    }

    /// `rate` basis points (1/100 of a percent: 1900 = 19 %) of `self`, rounded.
    pub fn percent_bp(self, rate: u32) -> Money {
        self.ratio(i64::from(rate), 10_000)
    }

    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }
}

/// `n / d` rounded half away from zero (`d > 0`).
fn div_round(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

impl ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// The studio's currency: its ISO code and how many minor digits it has (2 for EUR, 0 for
/// JPY).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub minor_digits: u8,
}

impl Default for Currency {
    fn default() -> Self {
        Currency { code: "EUR".into(), minor_digits: 2 }
    }
}

impl Currency {
    /// The currency of an ISO 4217 code (three letters), with its minor digits.
    pub fn of(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        // The few currencies without cents that photographers meet.
        let minor_digits =
            if ["JPY", "KRW", "ISK", "CLP", "VND", "HUF"].contains(&code.as_str()) { 0 } else { 2 };
        Some(Currency { code, minor_digits })
    }

    /// An amount a person typed ("25", "25.5", "1,234.50", "25,50") in minor units; `None`
    /// when it is not a non-negative amount with at most this currency's minor digits.
    pub fn parse(&self, typed: &str) -> Option<Money> {
        let t: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '\'' && *c != '_').collect();
        let t = t.strip_prefix(self.code.as_str()).unwrap_or(&t);
        if t.is_empty() || t.len() > 20 {
            return None;
        }
        // The last '.' or ',' is the decimal mark when at most `minor_digits` digits follow
        // it; every other one groups thousands.
        let digits = usize::from(self.minor_digits);
        let (whole, minor) = match t.rfind(['.', ',']) {
            Some(i) if t.len() - i - 1 <= digits && t.len() - i - 1 > 0 => (&t[..i], &t[i + 1..]),
            _ => (t, ""),
        };
        // Groups of thousands: one to three digits, then threes, all split by one mark that
        // is not the decimal one ("1.234,50" yes; "25.5.5" and "1,23,4" no).
        let groups: Vec<&str> = whole.split(['.', ',']).collect();
        let marks: std::collections::HashSet<char> =
            whole.chars().filter(|c| *c == '.' || *c == ',').collect();
        let decimal_mark = t[whole.len()..].chars().next();
        let grouped_well = groups.len() == 1
            || (marks.len() == 1
                && decimal_mark.is_none_or(|d| !marks.contains(&d))
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3));
        let whole: String = groups.concat();
        if !grouped_well
            || whole.is_empty() && minor.is_empty()
            || !(whole.chars().chain(minor.chars())).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let minor: i64 = format!("{minor:0<digits$}").parse().unwrap_or(0);
        whole.checked_mul(10i64.pow(u32::from(self.minor_digits)))?.checked_add(minor).map(Money)
    }

    /// An amount as typed back into a form ("1234.50").
    pub fn plain(&self, m: Money) -> String {
        let scale = 10i64.pow(u32::from(self.minor_digits));
        if self.minor_digits == 0 {
            m.0.to_string()
        } else {
            format!("{}.{:0width$}", m.0 / scale, (m.0 % scale).abs(), width = usize::from(self.minor_digits))
        }
    }

    /// "EUR 1,234.50": plain, unambiguous, and the same in mails and on invoices.
    pub fn format(&self, m: Money) -> String {
        format!("{} {}", self.code, Amount(m, self.minor_digits))
    }
}

/// An amount written with thousands separators and its minor digits.
struct Amount(Money, u8);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Amount(Money(v), digits) = *self;
        let scale = 10i64.pow(u32::from(digits));
        let (whole, minor) = (v.abs() / scale, v.abs() % scale);
        let digits_of_whole = whole.to_string();
        let mut grouped = String::new();
        for (i, c) in digits_of_whole.chars().enumerate() {
            if i > 0 && (digits_of_whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if v < 0 { "-" } else { "" };
        if digits == 0 {
            write!(f, "{sign}{grouped}")
        } else {
            write!(f, "{sign}{grouped}.{minor:0width$}", width = usize::from(digits))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(Money(1000).percent_bp(1950), Money(195));
        assert_eq!(Money(5).percent_bp(5000), Money(3), "2.5 rounds up");
        assert_eq!(Money(-5).percent_bp(5000), Money(-3), "and -2.5 down");
        assert_eq!(Money(4).percent_bp(5000), Money(2));
        assert_eq!(Money(11900).ratio(1900, 11900), Money(1900), "the tax inside a gross price");
        assert_eq!(Money(i64::MAX / 2).ratio(2, 2), Money(i64::MAX / 2), "no overflow on the way");
    }

    #[test]
    fn typed_amounts_are_read_as_people_write_them() {
        let eur = Currency::of("eur").unwrap();
        for (typed, cents) in [
            ("25", 2500),
            ("25.5", 2550),
            ("25,50", 2550),
            ("1,234.50", 123_450),
            ("1.234,50", 123_450),
            ("1 234", 123_400),
            ("EUR 9.99", 999),
            ("0.05", 5),
            ("1,000", 100_000),
        ] {
            assert_eq!(eur.parse(typed), Some(Money(cents)), "{typed}");
        }
        assert_eq!(eur.parse("25.505"), Some(Money(2_550_500)), "three digits after a mark group thousands");
        for bad in [
            "",
            "-5",
            "abc",
            "1.2.3x",
            "25.5.5",
            "1,23,4",
            "1,234,5.6",
            "1.234.5",
            "99999999999999999999",
            ".",
        ] {
            assert_eq!(eur.parse(bad), None, "{bad}");
        }
        let jpy = Currency::of("JPY").unwrap();
        assert_eq!(jpy.parse("1,500"), Some(Money(1500)));
        assert_eq!(Currency::of("euro"), None);
        assert_eq!(eur.plain(Money(123_450)), "1234.50");
    }

    #[test]
    fn amounts_are_written_plainly() {
        let eur = Currency::default();
        assert_eq!(eur.format(Money(123_450)), "EUR 1,234.50");
        assert_eq!(eur.format(Money(5)), "EUR 0.05");
        assert_eq!(eur.format(Money(-100_000_000)), "EUR -1,000,000.00");
        let jpy = Currency { code: "JPY".into(), minor_digits: 0 };
        assert_eq!(jpy.format(Money(1_500)), "JPY 1,500");
    }
}
