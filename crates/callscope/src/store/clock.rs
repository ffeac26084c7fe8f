//! Timestamps as the library keeps them: RFC 3339 text for people and sync, Unix milliseconds
//! for sorting and date filters.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

use super::StoreError;

/// The current time as RFC 3339 UTC with whole seconds, e.g. `2025-11-03T10:15:00Z`.
pub(crate) fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    let whole = now.replace_nanosecond(0).unwrap_or(now);
    // Formatting a UTC date-time with a four-digit year cannot fail; fall back to the epoch
    // rather than panic if it ever does.
    whole
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp.
pub(crate) fn unix_ms(rfc3339: &str) -> Result<i64, StoreError> {
    let at = OffsetDateTime::parse(rfc3339, &Rfc3339).map_err(|e| {
        StoreError::invalid(
            "created_at",
            format!("{rfc3339:?} is not an RFC 3339 time such as 2025-11-03T10:15:00Z ({e})"),
        )
    })?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| StoreError::invalid("created_at", format!("{rfc3339:?} is out of range")))
}

/// Milliseconds since the Unix epoch at the start (00:00 UTC) of a day.
pub(crate) fn day_start_ms(day: Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp() * 1000
}

/// Parse a calendar day written `YYYY-MM-DD`, as used by the date filters.
pub fn parse_date(text: &str) -> Result<Date, StoreError> {
    let invalid = || StoreError::invalid("date", format!("{text:?} is not a date like 2025-11-03"));
    let mut parts = text.trim().splitn(3, '-');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(invalid)
    };
    let (year, month, day) = (next()?, next()?, next()?);
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(invalid)?;
    let day = u8::try_from(day).map_err(|_| invalid())?;
    Date::from_calendar_date(year, month, day).map_err(|_| invalid())
}
