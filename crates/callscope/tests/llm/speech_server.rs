//! The server side of `audio/transcriptions`: reading the multipart upload (its fields and its
//! WAV) and answering like OpenAI's documented `verbose_json` example. Instead of recognising
//! words it "hears" bursts of tone, one segment per burst, named by its length: a test then
//! knows exactly what was said where, and a burst cut in two by a bad split would show.

use serde_json::{json, Value};

use super::server::{Received, Reply};

/// An upload as the server read it.
#[derive(Debug)]
pub struct Upload {
    /// Text fields by name, in order.
    pub fields: Vec<(String, String)>,
    pub file_name: String,
    pub file_type: String,
    /// The WAV's samples (16-bit mono).
    pub samples: Vec<i16>,
    pub sample_rate_hz: u32,
    pub channels: u16,
}

impl Upload {
    /// The text field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Length of the uploaded audio.
    pub fn duration_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(self.sample_rate_hz.max(1))
    }

    /// RMS (0…1) of the audio between `from_ms` and `to_ms`.
    pub fn rms(&self, from_ms: u64, to_ms: u64) -> f64 {
        let at = |ms: u64| ((ms * u64::from(self.sample_rate_hz) / 1000) as usize).min(self.samples.len());
        let part = &self.samples[at(from_ms)..at(to_ms)];
        let sum: f64 = part.iter().map(|&s| (f64::from(s) / 32768.0).powi(2)).sum();
        (sum / part.len().max(1) as f64).sqrt()
    }

    /// Bursts of sound as `(start_ms, end_ms)` in the upload: 10 ms frames above the noise,
    /// split by 30 ms of quiet.
    pub fn bursts(&self) -> Vec<(u64, u64)> {
        let frame_ms = 10;
        let frames = self.duration_ms() / frame_ms;
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut quiet_run = 0;
        for f in 0..frames {
            let loud = self.rms(f * frame_ms, (f + 1) * frame_ms) > 0.02;
            match (loud, out.last_mut()) {
                (true, Some(last)) if quiet_run < 3 && last.1 == (f - quiet_run) * frame_ms => last.1 = (f + 1) * frame_ms,
                (true, _) => out.push((f * frame_ms, (f + 1) * frame_ms)),
                (false, _) => {}
            }
            quiet_run = if loud { 0 } else { quiet_run + 1 };
        }
        out
    }
}

/// What a burst of `ms` is "heard" as.
pub fn said(ms: u64) -> String {
    format!("burst of {} ms", (ms + 50) / 100 * 100)
}

/// Read a `multipart/form-data` request: text fields first, the file last (as the client
/// sends them); the file runs to the closing boundary.
pub fn read_upload(r: &Received) -> Upload {
    let content_type = r.header("content-type").expect("content-type");
    let boundary = content_type.split("boundary=").nth(1).expect("a multipart boundary");
    let delimiter = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    let body = &r.raw[..];
    assert!(body.starts_with(delimiter.as_bytes()), "the body opens with the boundary");
    assert!(body.ends_with(closing.as_bytes()), "the body closes with the boundary");
    let mut fields = Vec::new();
    let mut at = delimiter.len();
    loop {
        let head_end = at + find(&body[at..], b"\r\n\r\n").expect("part headers");
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let content = head_end + 4;
        let name = between(&head, "name=\"", "\"").expect("a field name");
        if let Some(file_name) = between(&head, "filename=\"", "\"") {
            let file_type = head.split("Content-Type: ").nth(1).unwrap_or_default().trim().to_string();
            let wav = &body[content..body.len() - closing.len()];
            assert_eq!(&wav[..4], b"RIFF", "the file is a WAV");
            assert_eq!(&wav[36..40], b"data");
            let channels = u16::from_le_bytes([wav[22], wav[23]]);
            let sample_rate_hz = u32::from_le_bytes([wav[24], wav[25], wav[26], wav[27]]);
            assert_eq!(u16::from_le_bytes([wav[34], wav[35]]), 16, "16-bit samples");
            let samples = wav[44..].chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
            return Upload { fields, file_name: file_name.to_string(), file_type, samples, sample_rate_hz, channels };
        }
        let end = content + find(&body[content..], format!("\r\n--{boundary}").as_bytes()).expect("the field's end");
        fields.push((name.to_string(), String::from_utf8_lossy(&body[content..end]).into_owned()));
        at = end + 2 + delimiter.len();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// OpenAI's `verbose_json`, shaped like its documented example, one segment per burst.
pub fn verbose_json(upload: &Upload) -> Value {
    let segments: Vec<Value> = upload
        .bursts()
        .iter()
        .enumerate()
        .map(|(id, &(start, end))| {
            json!({
                "id": id, "seek": 0, "start": start as f64 / 1000.0, "end": end as f64 / 1000.0,
                "text": format!(" {}.", said(end - start)), "tokens": [50364, 440, 7534, 50530],
                "temperature": 0.0, "avg_logprob": -0.2860786020755768,
                "compression_ratio": 1.2363636493682861, "no_speech_prob": 0.00985979475080967
            })
        })
        .collect();
    let text: Vec<&str> = segments.iter().filter_map(|s| s["text"].as_str()).collect();
    json!({
        "task": "transcribe", "language": "english", "duration": upload.duration_ms() as f64 / 1000.0,
        "text": text.concat().trim(), "segments": segments
    })
}

/// A server that transcribes every upload correctly.
pub fn transcribes(r: &Received) -> Reply {
    Reply::ok(verbose_json(&read_upload(r)))
}

/// `verbose_json` that runs all of an upload's bursts into one segment (as Whisper may when a
/// speaker's turns are joined), with OpenAI's top-level `words`: each burst is "said" as its
/// four words, spread over it.
pub fn one_segment_with_words(upload: &Upload) -> Value {
    let bursts = upload.bursts();
    let (Some(first), Some(last)) = (bursts.first(), bursts.last()) else {
        return json!({"task": "transcribe", "language": "english", "duration": 0.0, "text": "", "segments": [], "words": []});
    };
    let mut words = Vec::new();
    let mut text = String::new();
    for &(start, end) in &bursts {
        let spoken = format!("{}.", said(end - start));
        let tokens: Vec<&str> = spoken.split_whitespace().collect();
        let step = (end - start) / tokens.len() as u64;
        for (i, token) in tokens.iter().enumerate() {
            let at = start + step * i as u64;
            words.push(json!({"word": token.trim_end_matches('.'), "start": at as f64 / 1000.0, "end": (at + step) as f64 / 1000.0}));
        }
        text.push(' ');
        text.push_str(&spoken);
    }
    json!({
        "task": "transcribe", "language": "english", "duration": upload.duration_ms() as f64 / 1000.0, "text": text.trim(),
        "segments": [{"id": 0, "seek": 0, "start": first.0 as f64 / 1000.0, "end": last.1 as f64 / 1000.0, "text": text,
            "tokens": [50364, 440, 50530], "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 1.2, "no_speech_prob": 0.01}],
        "words": words
    })
}
