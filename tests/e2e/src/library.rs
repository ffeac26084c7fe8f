//! A large call library for start-up measurements, built from the scripted fixture calls: each
//! script's true transcript is analysed for real (offline analyzer, no speech recognition) and
//! the results are stored many times over with different names and dates.

use std::path::Path;

use callscope::call::CallAnalysis;
use callscope::pipeline::{analyze, block_on, AnalysisRequest};
use callscope::llm::offline::OfflineProvider;
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::Store;
use callscope::stt::{Segment, Speaker, Transcript};
use time::{Duration, OffsetDateTime};

use crate::Outcome;

/// The newest calls of a seeded library keep their recording (the fixture's `.wav`), so they
/// can be opened with a player and a waveform.
pub const WITH_RECORDINGS: usize = 20;

/// Fill the library at `library` with `count` calls analysed from the fixture scripts in `fixtures`
/// (files `*.truth.json`), dated over the past year; the newest `WITH_RECORDINGS` keep their
/// recordings.
pub fn seed(library: &Path, fixtures: &Path, count: usize) -> Outcome<()> {
    let mut store = Store::open(library).map_err(|e| e.to_string())?;
    let provider = OfflineProvider::new();
    let mut analysed = Vec::new();
    let mut truths: Vec<_> = std::fs::read_dir(fixtures)
        .map_err(|e| format!("{}: {e}; run `make fixtures`", fixtures.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    truths.sort();
    let mut recordings = Vec::new();
    for truth in &truths {
        let transcript = read_truth(truth)?;
        let name = truth.file_name().map(|n| n.to_string_lossy().replace(".truth.json", ".wav")).unwrap_or_default();
        let request = AnalysisRequest { file_name: &name, transcript: &transcript, keep_original_pii: false, transcriber: "script", recorded_on: time::OffsetDateTime::now_utc().date() };
        let call = block_on(analyze(&provider, &mut store, &request, &ignore_progress, &CancelToken::new())).map_err(|e| e.to_string())?;
        analysed.push(call);
        recordings.push(truth.with_file_name(&name));
    }
    if analysed.is_empty() {
        return Err(format!("no *.truth.json in {}; run `make fixtures`", fixtures.display()));
    }
    let now = OffsetDateTime::now_utc();
    let batch: Vec<CallAnalysis> = (0..count)
        .map(|i| {
            let mut call = analysed[i % analysed.len()].clone();
            call.file_name = format!("{:05}_{}", i, call.file_name);
            let minutes = i64::try_from(i).unwrap_or(0) * 52;
            call.created_at = (now - Duration::minutes(minutes))
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            call
        })
        .collect();
    let (recorded, rest) = batch.split_at(WITH_RECORDINGS.min(batch.len()));
    for (i, call) in recorded.iter().enumerate() {
        let audio = &recordings[i % recordings.len()];
        let audio = audio.is_file().then_some(audio.as_path());
        store.insert_call(call, audio).map_err(|e| e.to_string())?;
    }
    for chunk in rest.chunks(1000) {
        store.insert_calls(chunk).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn read_truth(path: &Path) -> Outcome<Transcript> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let segments = json["turns"]
        .as_array()
        .ok_or_else(|| format!("{}: no turns", path.display()))?
        .iter()
        .map(|t| Segment {
            start_ms: t["start_ms"].as_u64().unwrap_or(0),
            end_ms: t["end_ms"].as_u64().unwrap_or(0),
            speaker: match t["speaker"].as_str() {
                Some("agent") => Speaker::Agent,
                Some("customer") => Speaker::Customer,
                _ => Speaker::Unknown,
            },
            text: t["text"].as_str().unwrap_or_default().to_string(),
            confidence: 1.0,
        })
        .collect();
    Ok(Transcript { segments, duration_ms: json["duration_ms"].as_u64().unwrap_or(0) })
}
