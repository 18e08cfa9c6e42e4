//! Time formats providers write their event times in, and reading times users type.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// How a provider writes times in its payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeFormat {
    /// `2024-12-26T10:30:45Z`
    Rfc3339,
    /// Unix seconds, as a JSON number.
    Unix,
    /// Unix milliseconds, as a JSON number.
    UnixMs,
    /// A strftime pattern, such as Agio's `%Y-%m-%d %H:%M:%S%z`.
    Strftime(String),
}

/// A rendered time: text, or a number for the unix formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeValue {
    Text(String),
    Number(i64),
}

impl TimeFormat {
    pub fn parse(text: &str) -> Result<Self, String> {
        let format = match text {
            "rfc3339" => Self::Rfc3339,
            "unix" => Self::Unix,
            "unix-ms" => Self::UnixMs,
            pattern if pattern.contains('%') => Self::Strftime(pattern.to_owned()),
            other => {
                return Err(format!("time format {other:?} is not rfc3339, unix, unix-ms or a strftime pattern"));
            }
        };
        // A bad strftime pattern only shows when formatting; find out now, with a fixed time.
        format.format(Utc.timestamp_opt(0, 0).single().unwrap_or_default())?;
        Ok(format)
    }

    pub fn format(&self, at: DateTime<Utc>) -> Result<TimeValue, String> {
        Ok(match self {
            Self::Rfc3339 => TimeValue::Text(at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            Self::Unix => TimeValue::Number(at.timestamp()),
            Self::UnixMs => TimeValue::Number(at.timestamp_millis()),
            Self::Strftime(pattern) => {
                let mut out = String::new();
                write!(out, "{}", at.format(pattern)).map_err(|_| format!("invalid strftime pattern {pattern:?}"))?;
                TimeValue::Text(out)
            }
        })
    }
}

/// The last second providers' formats can write (`9999-12-31T23:59:59Z`).
const LATEST: i64 = 253_402_300_799;

/// Reads a time a user typed: unix seconds, or RFC 3339 with any offset (`2024-12-26T10:30:45Z`,
/// `2024-12-26T12:30:45+02:00`, `2024-12-26 10:30:45`).
pub fn parse_user_time(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let at = if let Ok(seconds) = text.parse::<i64>() {
        if seconds > LATEST && seconds / 1000 <= LATEST {
            return Err(format!("{seconds} looks like milliseconds; give unix seconds ({})", seconds / 1000));
        }
        Utc.timestamp_opt(seconds, 0).single()
    } else if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        Some(parsed.with_timezone(&Utc))
    } else {
        let system = humantime::parse_rfc3339_weak(text)
            .map_err(|_| format!("`{text}` is neither unix seconds nor an RFC 3339 time like 2024-12-26T10:30:45Z"))?;
        Some(DateTime::<Utc>::from(system))
    };
    at.filter(|t| (0..=LATEST).contains(&t.timestamp()))
        .ok_or_else(|| format!("`{text}` is outside 1970-01-01 to 9999-12-31"))
}

/// The current time, whole seconds (signatures carry seconds).
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    Utc.timestamp_opt(now.timestamp(), 0).single().unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_each_kind() {
        let at = Utc.timestamp_opt(1_582_291_399, 0).single().expect("valid");
        assert_eq!(TimeFormat::Rfc3339.format(at), Ok(TimeValue::Text("2020-02-21T13:23:19Z".into())));
        assert_eq!(TimeFormat::Unix.format(at), Ok(TimeValue::Number(1_582_291_399)));
        assert_eq!(TimeFormat::UnixMs.format(at), Ok(TimeValue::Number(1_582_291_399_000)));
        let agio = TimeFormat::parse("%Y-%m-%d %H:%M:%S%z").expect("valid pattern");
        assert_eq!(agio.format(at), Ok(TimeValue::Text("2020-02-21 13:23:19+0000".into())));
        assert!(TimeFormat::parse("%Q").is_err());
        assert!(TimeFormat::parse("iso").is_err());
    }

    #[test]
    fn reads_user_times() {
        assert_eq!(parse_user_time("1614265330").map(|t| t.timestamp()), Ok(1_614_265_330));
        assert_eq!(parse_user_time("2021-02-25T15:02:10Z").map(|t| t.timestamp()), Ok(1_614_265_330));
        assert_eq!(parse_user_time("2021-02-25T17:02:10+02:00").map(|t| t.timestamp()), Ok(1_614_265_330));
        assert!(parse_user_time("yesterday").is_err());
        assert!(parse_user_time("1614265330000").is_err_and(|e| e.contains("milliseconds")));
        assert!(parse_user_time("253402300800").is_err());
        assert!(parse_user_time("-1").is_err());
    }
}
