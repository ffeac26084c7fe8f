//! What a transcription produces: timed, speaker-labelled segments.

use serde::{Deserialize, Serialize};

/// Who spoke a segment. In a stereo call the agent is on one channel and the customer on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Agent,
    Customer,
    Unknown,
}

impl Speaker {
    /// The lowercase label used in JSON, subtitles and the database.
    pub fn label(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::Unknown => "unknown",
        }
    }
}

/// One stretch of speech by one speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub speaker: Speaker,
    pub text: String,
    /// Mean token probability in 0…1 (1 for text that did not come from a recogniser).
    pub confidence: f32,
}

/// A whole call's transcript, segments ordered by start time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub segments: Vec<Segment>,
    /// Length of the audio the transcript covers.
    pub duration_ms: u64,
}

impl Transcript {
    /// The transcript as plain text, one segment per line with its speaker.
    pub fn speaker_text(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            out.push_str(s.speaker.label());
            out.push_str(": ");
            out.push_str(&s.text);
            out.push('\n');
        }
        out
    }

    /// All segment texts joined by spaces, without speakers.
    pub fn plain_text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ")
    }
}
