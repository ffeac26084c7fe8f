//! What a recording's container says about it: the day it was recorded, from its date tag
//! (WAV `LIST/INFO` `ICRD`, ID3 `TDRC`/`TYER`+`TDAT`, MP4 `©day`, Vorbis `DATE`).

use std::fs::File;
use std::path::Path;

use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, StandardTagKey, Tag};
use symphonia::core::probe::Hint;

/// The day the recording's tags say it was recorded, when they give a whole date (a year
/// alone says too little to place "December fifteenth"). Call only on a file that decoded.
pub fn recording_date(path: &Path) -> Option<time::Date> {
    let file = File::open(path).ok()?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut probed = symphonia::default::get_probe().format(&Hint::new(), mss, &FormatOptions::default(), &MetadataOptions::default()).ok()?;
    let mut tags: Vec<Tag> = Vec::new();
    if let Some(revision) = probed.metadata.get().as_ref().and_then(|m| m.current()) {
        tags.extend(revision.tags().iter().cloned());
    }
    if let Some(revision) = probed.format.metadata().current() {
        tags.extend(revision.tags().iter().cloned());
    }
    tags.iter()
        .filter(|t| matches!(t.std_key, Some(StandardTagKey::Date | StandardTagKey::OriginalDate)))
        .find_map(|t| parse_day(&t.value.to_string()))
}

/// A day written `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, perhaps followed by a time
/// (`2025-03-14T09:30:00Z`).
fn parse_day(text: &str) -> Option<time::Date> {
    let digits: Vec<u32> = text
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let (year, month, day) = match digits.as_slice() {
        [compact, ..] if text.trim().len() >= 8 && *compact >= 10_000_000 => (compact / 10_000, compact / 100 % 100, compact % 100),
        [year, month, day, ..] => (*year, *month, *day),
        _ => return None,
    };
    if !(1970..=2100).contains(&year) {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_dates_are_read_and_a_year_alone_is_not() {
        let day = |y, m, d| time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).ok();
        assert_eq!(parse_day("2023-05-14"), day(2023, 5, 14));
        assert_eq!(parse_day("2023/05/14"), day(2023, 5, 14));
        assert_eq!(parse_day("2025-03-14T09:30:00Z"), day(2025, 3, 14));
        assert_eq!(parse_day("20241130"), day(2024, 11, 30));
        assert_eq!(parse_day("2023"), None);
        assert_eq!(parse_day("2023-02-30"), None);
        assert_eq!(parse_day("yesterday"), None);
        assert_eq!(parse_day("1850-01-01"), None);
    }
}
