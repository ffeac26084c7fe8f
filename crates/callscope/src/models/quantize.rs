//! Encodes tensor data into the element types whisper.cpp loads: f32, f16 and q8_0 blocks.

use half::{bf16, f16};

use super::ct2::DType;

/// Values per q8_0 block.
pub(crate) const Q8_0_BLOCK_LEN: usize = 32;
/// Bytes per q8_0 block: an f16 scale and 32 signed bytes.
pub(crate) const Q8_0_BLOCK_BYTES: usize = 2 + Q8_0_BLOCK_LEN;

/// The element type of a tensor in the ggml file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TensorType {
    F32,
    F16,
    Q8_0,
}

impl TensorType {
    /// The `ggml_type` id written in the tensor header.
    pub(crate) fn ggml_id(self) -> i32 {
        match self {
            TensorType::F32 => 0,
            TensorType::F16 => 1,
            TensorType::Q8_0 => 8,
        }
    }
}

/// Appends `data` (elements of `dtype`, rows of `row_len`) to `out` encoded as `target`.
///
/// Errors are a sentence for the caller to attach to the file name.
pub(crate) fn encode(
    dtype: DType,
    data: &[u8],
    target: TensorType,
    row_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match (dtype, target) {
        (DType::F16, TensorType::F16) | (DType::F32, TensorType::F32) => {
            out.extend_from_slice(data);
            Ok(())
        }
        (_, TensorType::F32) => {
            let values = to_f32(dtype, data)?;
            out.reserve(values.len() * 4);
            values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
            Ok(())
        }
        (_, TensorType::F16) => {
            let values = to_f32(dtype, data)?;
            out.reserve(values.len() * 2);
            values.iter().for_each(|&v| out.extend_from_slice(&f16::from_f32(v).to_le_bytes()));
            Ok(())
        }
        (_, TensorType::Q8_0) => {
            if row_len == 0 || !row_len.is_multiple_of(Q8_0_BLOCK_LEN) {
                return Err(format!("has rows of {row_len} values, which do not split into q8_0 blocks of 32"));
            }
            let values = to_f32(dtype, data)?;
            quantize_q8_0(&values, out);
            Ok(())
        }
    }
}

/// Decodes float elements to f32; integer weights mean an int8/int16-quantized CTranslate2 model.
fn to_f32(dtype: DType, data: &[u8]) -> Result<Vec<f32>, String> {
    Ok(match dtype {
        DType::F32 => data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        DType::F16 => data.chunks_exact(2).map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
        DType::Bf16 => data.chunks_exact(2).map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
        DType::I8 | DType::I16 | DType::I32 => {
            return Err("holds integer-quantized weights (CTranslate2 int8/int16); \
                        convert the model again with --quantization float16"
                .to_owned())
        }
    })
}

/// ggml's reference q8_0 quantizer: per block `d = max|x| / 127`, `q = round(x / d)`.
///
/// Mirrors `quantize_row_q8_0_ref` (multiply by the f32 reciprocal, round half away from zero)
/// so the output is byte-identical to whisper.cpp's own quantizer.
fn quantize_q8_0(values: &[f32], out: &mut Vec<u8>) {
    out.reserve(values.len() / Q8_0_BLOCK_LEN * Q8_0_BLOCK_BYTES);
    for block in values.chunks_exact(Q8_0_BLOCK_LEN) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let inverse = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|&v| (v * inverse).round() as i8 as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dequantize_q8_0(bytes: &[u8]) -> Vec<f32> {
        bytes
            .chunks_exact(Q8_0_BLOCK_BYTES)
            .flat_map(|block| {
                let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
                block[2..].iter().map(move |&q| f32::from(q as i8) * d)
            })
            .collect()
    }

    fn f16_bytes(values: &[f32]) -> Vec<u8> {
        values.iter().flat_map(|&v| f16::from_f32(v).to_le_bytes()).collect()
    }

    #[test]
    fn q8_0_block_round_trips_within_half_a_step() {
        let values: Vec<f32> = (0..64).map(|i| ((i as f32) * 0.37).sin() * 0.8 - 0.1).collect();
        let mut encoded = Vec::new();
        encode(DType::F16, &f16_bytes(&values), TensorType::Q8_0, 64, &mut encoded).unwrap();
        assert_eq!(encoded.len(), 2 * Q8_0_BLOCK_BYTES);
        let decoded = dequantize_q8_0(&encoded);
        for (block_in, block_out) in values.chunks(32).zip(decoded.chunks(32)) {
            let step = block_in.iter().fold(0.0f32, |m, v| m.max(v.abs())) / 127.0;
            for (a, b) in block_in.iter().zip(block_out) {
                assert!((a - b).abs() <= step * 0.51 + 1e-3, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn q8_0_block_stores_scale_then_rounded_values() {
        let values: Vec<f32> = (0..32).map(|i| i as f32 - 31.0).collect();
        let mut encoded = Vec::new();
        encode(DType::F32, &values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>(), TensorType::Q8_0, 32, &mut encoded)
            .unwrap();
        assert_eq!(f16::from_le_bytes([encoded[0], encoded[1]]), f16::from_f32(31.0 / 127.0));
        assert_eq!(encoded[2] as i8, -127);
        assert_eq!(encoded[2 + 30] as i8, -4); // -1 × 127/31 = -4.097
        assert_eq!(encoded[2 + 31] as i8, 0);
    }

    #[test]
    fn all_zero_block_quantizes_to_zero_scale_and_values() {
        let mut encoded = Vec::new();
        encode(DType::F16, &f16_bytes(&[0.0; 32]), TensorType::Q8_0, 32, &mut encoded).unwrap();
        assert!(encoded.iter().all(|&b| b == 0));
    }

    #[test]
    fn rows_that_do_not_fill_whole_blocks_are_refused() {
        let err = encode(DType::F16, &f16_bytes(&[1.0; 48]), TensorType::Q8_0, 48, &mut Vec::new()).unwrap_err();
        assert!(err.contains("blocks of 32"), "{err}");
    }

    #[test]
    fn integer_quantized_weights_are_refused() {
        let err = encode(DType::I8, &[1; 32], TensorType::F16, 32, &mut Vec::new()).unwrap_err();
        assert!(err.contains("integer-quantized"), "{err}");
    }
}
