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
    fn amounts_are_written_plainly() {
        let eur = Currency::default();
        assert_eq!(eur.format(Money(123_450)), "EUR 1,234.50");
        assert_eq!(eur.format(Money(5)), "EUR 0.05");
        assert_eq!(eur.format(Money(-100_000_000)), "EUR -1,000,000.00");
        let jpy = Currency { code: "JPY".into(), minor_digits: 0 };
        assert_eq!(jpy.format(Money(1_500)), "JPY 1,500");
    }
}
