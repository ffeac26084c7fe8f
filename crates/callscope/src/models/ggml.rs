//! Converts a CTranslate2 Whisper model into whisper.cpp's legacy ggml file.
//!
//! The CTranslate2 file lists decoder variables before encoder ones, but the ggml header needs
//! both; tensors are therefore streamed to an anonymous scratch file and appended after the header.

use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use super::checksum::HashingWriter;
use super::ct2::{Ct2Reader, Variable};
use super::error::ModelError;
use super::format::ModelFormat;
use super::mapping::{expected_tensor_count, route, tensor_type, Piece, Route};
use super::mel::{mel_filters, N_FFT_BINS};
use super::quantize::encode;
use super::vocab::whisper_tokens;

/// "ggml" as whisper.cpp reads it: a little-endian u32.
const GGML_MAGIC: u32 = 0x6767_6d6c;
const IO_BUFFER: usize = 1 << 20;

/// Where the model and tokenizer bytes come from, for error messages.
pub(crate) struct Sources<'a> {
    pub(crate) model: &'a str,
    pub(crate) tokenizer: &'a str,
}

/// The shape of a converted model, as written in the ggml header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hparams {
    pub(crate) n_vocab: usize,
    pub(crate) n_audio_ctx: usize,
    pub(crate) n_audio_state: usize,
    pub(crate) n_audio_head: usize,
    pub(crate) n_audio_layer: usize,
    pub(crate) n_text_ctx: usize,
    pub(crate) n_text_state: usize,
    pub(crate) n_text_head: usize,
    pub(crate) n_text_layer: usize,
    pub(crate) n_mels: usize,
}

/// The result of a conversion: what was written and its checksum.
#[derive(Debug, Clone)]
pub(crate) struct Converted {
    pub(crate) hparams: Hparams,
    pub(crate) sha256: String,
    pub(crate) size_bytes: u64,
}

/// Converts the CTranslate2 `model` stream and `tokenizer_json` into a ggml file written to `out`.
///
/// `scratch_dir` holds the anonymous scratch file (it should be on the same disk as the output).
pub(crate) fn convert(
    model: impl Read,
    tokenizer_json: &[u8],
    sources: &Sources<'_>,
    format: ModelFormat,
    out: impl Write,
    scratch_dir: &Path,
) -> Result<Converted, ModelError> {
    let scratch_err = |e| ModelError::io("writing a scratch file in", scratch_dir, e);
    let mut reader = Ct2Reader::new(BufReader::with_capacity(IO_BUFFER, model), sources.model)?;
    let mut spool = BufWriter::with_capacity(IO_BUFFER, tempfile::tempfile_in(scratch_dir).map_err(scratch_err)?);
    let mut shape = ShapeFinder::default();
    let mut tensors = 0usize;
    let mut encoded = Vec::new();

    while let Some(var) = reader.next_variable()? {
        match route(&var.name) {
            Route::Skip => {}
            Route::EncoderHeads => shape.audio_heads = var.scalar_int(),
            Route::DecoderHeads => shape.text_heads = var.scalar_int(),
            Route::Tensors(pieces) => {
                shape.observe(&var);
                for piece in &pieces {
                    encoded.clear();
                    write_piece(&var, piece, format, &mut encoded, sources.model)?;
                    spool.write_all(&encoded).map_err(scratch_err)?;
                    tensors += 1;
                }
            }
        }
    }

    let invalid = |detail: String| ModelError::InvalidCt2 { file: sources.model.to_owned(), detail };
    let hparams = shape.finish().map_err(invalid)?;
    let expected = expected_tensor_count(hparams.n_audio_layer, hparams.n_text_layer);
    if tensors != expected {
        return Err(invalid(format!(
            "it holds {tensors} of the {expected} tensors a model with {} encoder and {} decoder layers needs",
            hparams.n_audio_layer, hparams.n_text_layer
        )));
    }
    let tokens = whisper_tokens(tokenizer_json, sources.tokenizer, hparams.n_vocab)?;

    let mut spool = spool.into_inner().map_err(|e| scratch_err(e.into_error()))?;
    spool.rewind().map_err(scratch_err)?;
    let mut out = HashingWriter::new(BufWriter::with_capacity(IO_BUFFER, out));
    let write_err = |e| ModelError::io("writing the converted model from", sources.model, e);
    write_header(&mut out, &hparams, format, &tokens).map_err(write_err)?;
    io::copy(&mut spool, &mut out).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    let (sha256, size_bytes) = out.finish();
    Ok(Converted { hparams, sha256, size_bytes })
}

fn write_header(out: &mut impl Write, h: &Hparams, format: ModelFormat, tokens: &[Vec<u8>]) -> io::Result<()> {
    let int = |out: &mut dyn Write, v: usize| out.write_all(&(v as i32).to_le_bytes());
    out.write_all(&GGML_MAGIC.to_le_bytes())?;
    for v in [
        h.n_vocab,
        h.n_audio_ctx,
        h.n_audio_state,
        h.n_audio_head,
        h.n_audio_layer,
        h.n_text_ctx,
        h.n_text_state,
        h.n_text_head,
        h.n_text_layer,
        h.n_mels,
    ] {
        int(out, v)?;
    }
    out.write_all(&format.header_ftype().to_le_bytes())?;

    int(out, h.n_mels)?;
    int(out, N_FFT_BINS)?;
    for w in mel_filters(h.n_mels) {
        out.write_all(&w.to_le_bytes())?;
    }

    int(out, tokens.len())?;
    for token in tokens {
        int(out, token.len())?;
        out.write_all(token)?;
    }
    Ok(())
}

/// Appends one tensor record (header, name, data) cut from `var` to `out`.
fn write_piece(var: &Variable, piece: &Piece, format: ModelFormat, out: &mut Vec<u8>, file: &str) -> Result<(), ModelError> {
    let invalid = |detail: String| ModelError::InvalidCt2 { file: file.to_owned(), detail: format!("`{}` {detail}", var.name) };
    let rows = *var.dims.first().ok_or_else(|| invalid("is a scalar where a tensor is needed".into()))?;
    if rows % piece.parts != 0 {
        return Err(invalid(format!("has {rows} rows, which do not split into {} equal parts", piece.parts)));
    }
    let piece_rows = rows / piece.parts;
    let row_bytes = var.data.len() / rows.max(1);
    let data = &var.data[piece.part * piece_rows * row_bytes..(piece.part + 1) * piece_rows * row_bytes];

    // Shapes in PyTorch order; whisper.cpp stores conv biases as (n, 1).
    let mut shape: Vec<usize> = std::iter::once(piece_rows).chain(var.dims[1..].iter().copied()).collect();
    if piece.name.starts_with("encoder.conv") && piece.name.ends_with(".bias") {
        shape.push(1);
    }
    let ttype = tensor_type(&piece.name, shape.len(), format);
    let row_len = shape.last().copied().unwrap_or(1);

    let int = |out: &mut Vec<u8>, v: usize| out.extend_from_slice(&(v as i32).to_le_bytes());
    int(out, shape.len());
    int(out, piece.name.len());
    out.extend_from_slice(&ttype.ggml_id().to_le_bytes());
    shape.iter().rev().for_each(|&d| int(out, d));
    out.extend_from_slice(piece.name.as_bytes());
    encode(var.dtype, data, ttype, row_len, out).map_err(invalid)
}

/// Collects the model's dimensions from the variables as they stream past.
#[derive(Default)]
struct ShapeFinder {
    hparams: Hparams,
    seen: [bool; 4],
    audio_heads: Option<i64>,
    text_heads: Option<i64>,
}

impl ShapeFinder {
    fn observe(&mut self, var: &Variable) {
        let dim = |i: usize| var.dims.get(i).copied().unwrap_or(0);
        let h = &mut self.hparams;
        match var.name.as_str() {
            "decoder/embeddings/weight" => (h.n_vocab, h.n_text_state, self.seen[0]) = (dim(0), dim(1), true),
            "decoder/position_encodings/encodings" => (h.n_text_ctx, self.seen[1]) = (dim(0), true),
            "encoder/position_encodings/encodings" => (h.n_audio_ctx, self.seen[2]) = (dim(0), true),
            "encoder/conv1/weight" => (h.n_audio_state, h.n_mels, self.seen[3]) = (dim(0), dim(1), true),
            name => {
                if let Some(i) = layer_index(name, "encoder/layer_") {
                    h.n_audio_layer = h.n_audio_layer.max(i + 1);
                } else if let Some(i) = layer_index(name, "decoder/layer_") {
                    h.n_text_layer = h.n_text_layer.max(i + 1);
                }
            }
        }
    }

    fn finish(self) -> Result<Hparams, String> {
        const NEEDED: [&str; 4] = [
            "decoder/embeddings/weight",
            "decoder/position_encodings/encodings",
            "encoder/position_encodings/encodings",
            "encoder/conv1/weight",
        ];
        if let Some(i) = self.seen.iter().position(|&s| !s) {
            return Err(format!("it has no `{}` variable", NEEDED[i]));
        }
        let heads = |v: Option<i64>, side: &str| match v {
            Some(n) if n > 0 => Ok(n as usize),
            _ => Err(format!("it has no usable `{side}/num_heads`")),
        };
        let mut h = self.hparams;
        h.n_audio_head = heads(self.audio_heads, "encoder")?;
        h.n_text_head = heads(self.text_heads, "decoder")?;
        Ok(h)
    }
}

fn layer_index(name: &str, prefix: &str) -> Option<usize> {
    name.strip_prefix(prefix)?.split('/').next()?.parse().ok()
}
