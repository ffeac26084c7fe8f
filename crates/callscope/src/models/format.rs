//! The ggml weight formats Callscope installs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::ModelError;

/// How a Whisper model's weights are stored in its ggml file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ModelFormat {
    /// 8-bit blocks with an f16 scale: about 30 % faster than f16 on CPU, with the same accuracy.
    #[default]
    #[serde(rename = "q8_0")]
    Q8_0,
    /// Half-precision floats: the model exactly as published.
    #[serde(rename = "f16")]
    F16,
}

impl ModelFormat {
    /// Both formats, the default first.
    pub const ALL: [ModelFormat; 2] = [ModelFormat::Q8_0, ModelFormat::F16];

    /// The short name used in file names and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelFormat::Q8_0 => "q8_0",
            ModelFormat::F16 => "f16",
        }
    }

    /// The `ftype` whisper.cpp reads from the file header (q8_0 carries the quantization version).
    pub(crate) fn header_ftype(self) -> i32 {
        match self {
            // GGML_FTYPE_MOSTLY_Q8_0 (7) + GGML_QNT_VERSION (2) × GGML_QNT_VERSION_FACTOR (1000).
            ModelFormat::Q8_0 => 7 + 2 * 1000,
            ModelFormat::F16 => 1,
        }
    }

    /// A few words on what the format costs and buys, for listings.
    pub(crate) fn speed_hint(self) -> &'static str {
        match self {
            ModelFormat::Q8_0 => "fastest on CPU",
            ModelFormat::F16 => "about 30 % slower than q8_0, same accuracy",
        }
    }
}

impl fmt::Display for ModelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelFormat {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "q8_0" | "q8" => Ok(ModelFormat::Q8_0),
            "f16" | "fp16" => Ok(ModelFormat::F16),
            _ => Err(ModelError::UnknownFormat { given: s.to_owned() }),
        }
    }
}
