//! Calendar dates for service calendars: proleptic Gregorian, no time zone (GTFS service days are
//! local dates of the agency's zone).

use std::fmt;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A valid date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let d = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(d)
    }

    /// GTFS `YYYYMMDD`.
    pub fn parse_gtfs(s: &str) -> Option<Date> {
        let s = s.trim();
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        )
    }

    /// ISO `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut p = s.trim().split('-');
        let (y, m, d) = (p.next()?, p.next()?, p.next()?);
        if p.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = self.year as i64 - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Inverse of [`Date::days`].
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday_from_monday(self) -> usize {
        (self.days() + 3).rem_euclid(7) as usize
    }

    pub fn weekday_name(self) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.weekday_from_monday()]
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        let d = Date::parse_gtfs("20190513").unwrap();
        assert_eq!(d.weekday_name(), "Monday");
        assert_eq!(d.to_string(), "2019-05-13");
        assert_eq!(Date::parse_iso("2019-05-13"), Some(d));
        assert_eq!(Date::new(2019, 2, 29), None);
        assert!(Date::new(2020, 2, 29).is_some());
        assert_eq!(Date::parse_gtfs("20191301"), None);
        assert_eq!(
            Date::new(2024, 3, 1).unwrap().add_days(-1),
            Date::new(2024, 2, 29).unwrap()
        );
    }

    proptest! {
        #[test]
        fn days_round_trip(z in -200_000i64..200_000) {
            let d = Date::from_days(z);
            prop_assert!(Date::new(d.year, d.month, d.day).is_some());
            prop_assert_eq!(d.days(), z);
            prop_assert_eq!(d.add_days(1).weekday_from_monday(), (d.weekday_from_monday() + 1) % 7);
        }
    }
}

/// `YYYY-MM-DDTHH:MM` (or with `:SS`, or a space instead of `T`) → date and seconds after
/// midnight, local time of the feeds.
pub fn parse_departure(s: &str) -> Option<(Date, i32)> {
    let s = s.trim();
    let (d, t) = s.split_once('T').or_else(|| s.split_once(' '))?;
    let date = Date::parse_iso(d)?;
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, m): (i32, i32) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
    let sec: i32 = parts.get(2).map_or(Some(0), |x| x.parse().ok())?;
    (h < 24 && m < 60 && sec < 60).then_some((date, h * 3600 + m * 60 + sec))
}

#[cfg(test)]
mod departure_tests {
    use super::*;

    #[test]
    fn departures_parse() {
        let d = Date::new(2019, 5, 13).unwrap();
        assert_eq!(parse_departure("2019-05-13T14:00"), Some((d, 50400)));
        assert_eq!(parse_departure("2019-05-13 14:00:30"), Some((d, 50430)));
        for bad in [
            "2019-05-13",
            "2019-05-13T25:00",
            "2019-05-13T14:61",
            "13/05/2019T14:00",
            "2019-02-30T10:00",
        ] {
            assert_eq!(parse_departure(bad), None, "{bad}");
        }
    }
}
