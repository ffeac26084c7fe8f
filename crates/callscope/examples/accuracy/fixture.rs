//! Loading scripted calls (`call_XX.json`) and their true timings (`call_XX.truth.json`), and
//! what the truth says about talk and silence.

use std::path::{Path, PathBuf};

use callscope::stt::{Segment, Speaker, Transcript};
use serde_json::Value;

/// One scripted call with its ground truth.
pub struct Fixture {
    /// The file stem (`call_06`); audio and truth files share it.
    pub stem: String,
    pub domain: String,
    pub category: String,
    pub expected: Value,
    /// True turns, from `truth.json` when present, else synthetic timings (`timed` is false).
    pub turns: Vec<Segment>,
    pub duration_ms: u64,
    pub timed: bool,
    /// The year the call was recorded, when the JSON says so (`recorded_at` or `year`).
    pub year: Option<i32>,
    pub audio: PathBuf,
}

/// Every `*.json` call in `calls` (sorted by stem; only the `only` stems that are there, if
/// given), with its truth from `audio` (`<stem>.truth.json`) and audio path (`<stem>.wav`).
pub fn load_all(calls: &Path, audio: &Path, only: &[String]) -> Result<Vec<Fixture>, String> {
    let entries = std::fs::read_dir(calls).map_err(|e| format!("{}: {e}", calls.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if !only.is_empty() && !only.contains(&stem) {
            continue;
        }
        out.push(load(&path, &stem, audio)?);
    }
    Ok(out)
}

fn load(path: &Path, stem: &str, audio: &Path) -> Result<Fixture, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let v: Value = serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let expected = v["expected"].clone();
    let text_of = |key: &str| v[key].as_str().or_else(|| expected[key].as_str()).unwrap_or_default().to_string();
    let truth_path = audio.join(format!("{stem}.truth.json"));
    let (turns, duration_ms, timed) = if truth_path.is_file() {
        let t: Value = serde_json::from_str(&read(&truth_path)?).map_err(|e| format!("{}: {e}", truth_path.display()))?;
        let turns: Vec<Segment> = t["turns"].as_array().into_iter().flatten().map(|turn| segment(turn, turn["start_ms"].as_u64().unwrap_or(0), turn["end_ms"].as_u64().unwrap_or(0))).collect();
        let end = turns.iter().map(|s| s.end_ms).max().unwrap_or(0);
        (turns, t["duration_ms"].as_u64().unwrap_or(end), true)
    } else {
        let (turns, duration) = synthetic(&v);
        (turns, duration, false)
    };
    let year = ["recorded_at", "year"].iter().find_map(|k| match &v[*k] {
        Value::Number(n) => n.as_i64().map(|y| y as i32),
        Value::String(s) => s.get(..4).and_then(|y| y.parse().ok()),
        _ => None,
    });
    Ok(Fixture {
        stem: stem.to_string(),
        domain: text_of("domain"),
        category: text_of("category"),
        expected,
        turns,
        duration_ms,
        timed,
        year,
        audio: audio.join(format!("{stem}.wav")),
    })
}

fn segment(turn: &Value, start_ms: u64, end_ms: u64) -> Segment {
    let speaker = match turn["speaker"].as_str() {
        Some("agent") => Speaker::Agent,
        Some("customer") => Speaker::Customer,
        _ => Speaker::Unknown,
    };
    Segment { start_ms, end_ms, speaker, text: turn["text"].as_str().unwrap_or_default().to_string(), confidence: 1.0 }
}

/// Without a truth file: each turn lasts 400 ms per word after the previous turn's pause,
/// minus its own overlap (the renderer's rules with a fixed speaking rate).
fn synthetic(v: &Value) -> (Vec<Segment>, u64) {
    let (mut turns, mut clock, mut pause) = (Vec::new(), 0u64, 0u64);
    for turn in v["turns"].as_array().into_iter().flatten() {
        let words = turn["text"].as_str().unwrap_or_default().split_whitespace().count() as u64;
        let start = (clock + pause).saturating_sub(turn["overlaps_previous_ms"].as_u64().unwrap_or(0));
        let end = start + 400 * words;
        turns.push(segment(turn, start, end));
        clock = clock.max(end);
        pause = turn["pause_after_ms"].as_u64().unwrap_or(0);
    }
    (turns, clock + pause)
}

impl Fixture {
    /// The transcript a perfect recogniser would give: the scripted turns at their true times.
    pub fn script_transcript(&self) -> Transcript {
        Transcript { segments: self.turns.clone(), duration_ms: self.duration_ms }
    }

    /// True agent talk %, customer talk % and silence % (unions of turns over the duration).
    pub fn true_percentages(&self) -> (f32, f32, f32) {
        let pct = |ms: u64| if self.duration_ms == 0 { 0.0 } else { ms as f32 * 100.0 / self.duration_ms as f32 };
        let agent = union_ms(&self.turns, |s| s == Speaker::Agent, self.duration_ms);
        let customer = union_ms(&self.turns, |s| s == Speaker::Customer, self.duration_ms);
        let anyone = union_ms(&self.turns, |_| true, self.duration_ms);
        (pct(agent), pct(customer), pct(self.duration_ms.saturating_sub(anyone)))
    }

    /// Expected PII as (type, value).
    pub fn pii(&self) -> Vec<(String, String)> {
        let s = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        self.expected["pii"].as_array().into_iter().flatten().map(|i| (s(&i["type"]), s(&i["value"]))).collect()
    }
}

/// Length of the union of the chosen speakers' turns, clipped to `0..duration_ms`.
fn union_ms(turns: &[Segment], pick: impl Fn(Speaker) -> bool, duration_ms: u64) -> u64 {
    let mut spans: Vec<(u64, u64)> = turns
        .iter()
        .filter(|t| pick(t.speaker))
        .map(|t| (t.start_ms.min(duration_ms), t.end_ms.min(duration_ms)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_unstable();
    let (mut total, mut cur): (u64, Option<(u64, u64)>) = (0, None);
    for (a, b) in spans {
        cur = match cur {
            Some((s, e)) if a <= e => Some((s, e.max(b))),
            Some((s, e)) => {
                total += e - s;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    total + cur.map_or(0, |(s, e)| e - s)
}
