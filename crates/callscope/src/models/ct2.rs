//! Reads a CTranslate2 `model.bin` one variable at a time from any byte stream, so a model split
//! into parts can be read as one chained stream without ever holding the whole file.

use std::io::{self, Read};

use super::error::ModelError;

/// Binary versions whose variable records carry a dtype id (CTranslate2 ≥ 2.0 writes 6).
const SUPPORTED_VERSIONS: std::ops::RangeInclusive<u32> = 4..=6;
/// The only model specification this converter understands.
const WHISPER_SPEC: &str = "WhisperSpec";
/// More variables than any Whisper model has; a larger count means the header is garbage.
const MAX_VARIABLES: u32 = 100_000;
/// Higher ranks do not occur in Whisper; a larger rank means the stream is out of step.
const MAX_RANK: u8 = 8;

/// The element type of a stored variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl DType {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::Bf16,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub(crate) fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::Bf16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One named array from the model file, row-major, little-endian.
#[derive(Debug)]
pub(crate) struct Variable {
    pub(crate) name: String,
    pub(crate) dims: Vec<usize>,
    pub(crate) dtype: DType,
    pub(crate) data: Vec<u8>,
}

impl Variable {
    /// The value of an integer scalar (rank 0), such as `encoder/num_heads`.
    pub(crate) fn scalar_int(&self) -> Option<i64> {
        if !self.dims.is_empty() {
            return None;
        }
        let b = &self.data;
        match self.dtype {
            DType::I8 => b.first().map(|&v| i64::from(v as i8)),
            DType::I16 => Some(i64::from(i16::from_le_bytes(b.get(..2)?.try_into().ok()?))),
            DType::I32 => Some(i64::from(i32::from_le_bytes(b.get(..4)?.try_into().ok()?))),
            _ => None,
        }
    }
}

/// A streaming reader over the variables of a CTranslate2 Whisper `model.bin`.
pub(crate) struct Ct2Reader<R> {
    inner: R,
    file: String,
    total: u32,
    read: u32,
}

impl<R: Read> Ct2Reader<R> {
    /// Reads and checks the header; `file` names the source in error messages.
    pub(crate) fn new(inner: R, file: &str) -> Result<Self, ModelError> {
        let mut reader = Self { inner, file: file.to_owned(), total: 0, read: 0 };
        let version = reader.u32("the binary version")?;
        if !SUPPORTED_VERSIONS.contains(&version) {
            return Err(reader.invalid(format!(
                "it does not start like a CTranslate2 model.bin (binary version {version}; \
                 supported {}–{}); convert the model again with a recent ct2-transformers-converter",
                SUPPORTED_VERSIONS.start(),
                SUPPORTED_VERSIONS.end()
            )));
        }
        let spec = reader.string("the model specification")?;
        if spec != WHISPER_SPEC {
            return Err(reader.invalid(format!("it holds a `{spec}` model, not `{WHISPER_SPEC}`")));
        }
        let _spec_revision = reader.u32("the specification revision")?;
        let total = reader.u32("the variable count")?;
        if total == 0 || total > MAX_VARIABLES {
            return Err(reader.invalid(format!("the header declares {total} variables")));
        }
        reader.total = total;
        Ok(reader)
    }

    /// The next variable, or `None` after the last one (trailing aliases are not needed).
    pub(crate) fn next_variable(&mut self) -> Result<Option<Variable>, ModelError> {
        if self.read == self.total {
            return Ok(None);
        }
        self.read += 1;
        let name = self.string("a variable name")?;
        let rank = self.u8("the rank of a variable")?;
        if rank > MAX_RANK {
            return Err(self.invalid(format!("variable `{name}` declares rank {rank}")));
        }
        let mut dims = Vec::with_capacity(usize::from(rank));
        for _ in 0..rank {
            dims.push(self.u32("a dimension")? as usize);
        }
        let dtype_id = self.u8("a dtype")?;
        let dtype = DType::from_id(dtype_id)
            .ok_or_else(|| self.invalid(format!("variable `{name}` has unknown dtype id {dtype_id}")))?;
        let byte_count = self.u32("a byte count")? as usize;
        let expected = dims
            .iter()
            .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
            .filter(|&n| n == byte_count);
        if expected.is_none() {
            return Err(self.invalid(format!(
                "variable `{name}` declares {byte_count} bytes, which does not fit its shape {dims:?}"
            )));
        }
        let mut data = vec![0u8; byte_count];
        let what = format!("the data of `{name}`");
        self.fill(&mut data, &what)?;
        Ok(Some(Variable { name, dims, dtype, data }))
    }

    fn invalid(&self, detail: String) -> ModelError {
        ModelError::InvalidCt2 { file: self.file.clone(), detail }
    }

    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), ModelError> {
        self.inner.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                self.invalid(format!(
                    "the file ends early, while reading {what} (variable {} of {}); \
                     the file or the concatenation of its parts is incomplete",
                    self.read, self.total
                ))
            } else {
                ModelError::io("reading", self.file.clone(), e)
            }
        })
    }

    fn u8(&mut self, what: &str) -> Result<u8, ModelError> {
        let mut b = [0u8; 1];
        self.fill(&mut b, what)?;
        Ok(b[0])
    }

    fn u32(&mut self, what: &str) -> Result<u32, ModelError> {
        let mut b = [0u8; 4];
        self.fill(&mut b, what)?;
        Ok(u32::from_le_bytes(b))
    }

    /// A u16 length, then that many bytes, NUL-padded.
    fn string(&mut self, what: &str) -> Result<String, ModelError> {
        let mut len = [0u8; 2];
        self.fill(&mut len, what)?;
        let mut bytes = vec![0u8; usize::from(u16::from_le_bytes(len))];
        self.fill(&mut bytes, what)?;
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        String::from_utf8(bytes).map_err(|_| self.invalid(format!("{what} is not UTF-8 text")))
    }
}
