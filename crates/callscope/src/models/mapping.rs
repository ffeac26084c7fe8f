//! Which whisper.cpp tensors each CTranslate2 variable becomes, and in which element type.

use super::format::ModelFormat;
use super::quantize::TensorType;

/// One output tensor cut from a CTranslate2 variable: rows `part` of `parts` equal slices.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub(crate) name: String,
    pub(crate) part: usize,
    pub(crate) parts: usize,
}

/// What to do with a CTranslate2 variable.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Write these tensors.
    Tensors(Vec<Piece>),
    /// The encoder's attention head count.
    EncoderHeads,
    /// The decoder's attention head count.
    DecoderHeads,
    /// Not needed by whisper.cpp (flags, alignment heads, …).
    Skip,
}

/// The route for the variable `name`.
pub(crate) fn route(name: &str) -> Route {
    match name {
        "encoder/num_heads" => return Route::EncoderHeads,
        "decoder/num_heads" => return Route::DecoderHeads,
        _ => {}
    }
    let Some((base, leaf)) = name.rsplit_once('/') else {
        return Route::Skip;
    };
    let suffix = match leaf {
        "weight" | "gamma" => ".weight",
        "bias" | "beta" => ".bias",
        "encodings" => "",
        _ => return Route::Skip,
    };
    let whole = |ggml: String| Route::Tensors(vec![Piece { name: ggml + suffix, part: 0, parts: 1 }]);
    match base {
        "encoder/conv1" => return whole("encoder.conv1".into()),
        "encoder/conv2" => return whole("encoder.conv2".into()),
        "encoder/position_encodings" => return whole("encoder.positional_embedding".into()),
        "decoder/position_encodings" => return whole("decoder.positional_embedding".into()),
        "encoder/layer_norm" => return whole("encoder.ln_post".into()),
        "decoder/layer_norm" => return whole("decoder.ln".into()),
        "decoder/embeddings" => return whole("decoder.token_embedding".into()),
        _ => {}
    }
    let Some((side, rest)) = base.split_once("/layer_") else {
        return Route::Skip;
    };
    let Some((index, module)) = rest.split_once('/') else {
        return Route::Skip;
    };
    if !matches!(side, "encoder" | "decoder") || index.parse::<usize>().is_err() {
        return Route::Skip;
    }
    let block = format!("{side}.blocks.{index}.");
    let is_bias = suffix == ".bias";
    // Fused projections are cut by rows; Whisper's key projections have no bias, so the key's
    // slice of a fused bias is dropped (a per-query constant that softmax ignores anyway).
    let split = |names: &[&str], key: usize| {
        let pieces = names
            .iter()
            .enumerate()
            .filter(|&(i, _)| !(is_bias && i == key))
            .map(|(i, n)| Piece { name: format!("{block}{n}{suffix}"), part: i, parts: names.len() })
            .collect();
        Route::Tensors(pieces)
    };
    let one = |n: &str| Route::Tensors(vec![Piece { name: format!("{block}{n}{suffix}"), part: 0, parts: 1 }]);
    match (side, module) {
        (_, "self_attention/layer_norm") => one("attn_ln"),
        (_, "self_attention/linear_0") => split(&["attn.query", "attn.key", "attn.value"], 1),
        (_, "self_attention/linear_1") => one("attn.out"),
        (_, "ffn/layer_norm") => one("mlp_ln"),
        (_, "ffn/linear_0") => one("mlp.0"),
        (_, "ffn/linear_1") => one("mlp.2"),
        ("decoder", "attention/layer_norm") => one("cross_attn_ln"),
        ("decoder", "attention/linear_0") => one("cross_attn.query"),
        ("decoder", "attention/linear_1") => split(&["cross_attn.key", "cross_attn.value"], 0),
        ("decoder", "attention/linear_2") => one("cross_attn.out"),
        _ => Route::Skip,
    }
}

/// The element type whisper.cpp expects for tensor `name` of rank `rank` (ggml dims).
pub(crate) fn tensor_type(name: &str, rank: usize, format: ModelFormat) -> TensorType {
    let kept_f32 = matches!(
        name,
        "encoder.conv1.bias" | "encoder.conv2.bias" | "encoder.positional_embedding" | "decoder.positional_embedding"
    );
    match (rank, format) {
        _ if kept_f32 || rank < 2 => TensorType::F32,
        (2, ModelFormat::Q8_0) => TensorType::Q8_0,
        _ => TensorType::F16,
    }
}

/// How many tensors whisper.cpp loads for a model with these layer counts.
pub(crate) fn expected_tensor_count(audio_layers: usize, text_layers: usize) -> usize {
    // Encoder: 2 convs × (weight, bias), positional embedding, final norm (2); 15 per block.
    // Decoder: positional and token embeddings, final norm (2); 24 per block (15 + cross-attention 9).
    7 + 15 * audio_layers + 4 + 24 * text_layers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(route: Route) -> Vec<String> {
        match route {
            Route::Tensors(pieces) => pieces.into_iter().map(|p| p.name).collect(),
            other => panic!("expected tensors, got {other:?}"),
        }
    }

    #[test]
    fn fused_self_attention_bias_loses_its_key_third() {
        assert_eq!(
            names(route("encoder/layer_3/self_attention/linear_0/bias")),
            ["encoder.blocks.3.attn.query.bias", "encoder.blocks.3.attn.value.bias"]
        );
        assert_eq!(names(route("decoder/layer_0/self_attention/linear_0/weight")).len(), 3);
    }

    #[test]
    fn fused_cross_attention_weight_splits_into_key_and_value() {
        assert_eq!(
            names(route("decoder/layer_1/attention/linear_1/weight")),
            ["decoder.blocks.1.cross_attn.key.weight", "decoder.blocks.1.cross_attn.value.weight"]
        );
        assert_eq!(names(route("decoder/layer_1/attention/linear_1/bias")), ["decoder.blocks.1.cross_attn.value.bias"]);
    }

    #[test]
    fn layer_norms_and_embeddings_get_whisper_names() {
        assert_eq!(names(route("encoder/layer_norm/gamma")), ["encoder.ln_post.weight"]);
        assert_eq!(names(route("decoder/embeddings/weight")), ["decoder.token_embedding.weight"]);
        assert_eq!(names(route("encoder/position_encodings/encodings")), ["encoder.positional_embedding"]);
        assert_eq!(names(route("decoder/layer_2/ffn/linear_1/bias")), ["decoder.blocks.2.mlp.2.bias"]);
        assert_eq!(route("decoder/scale_embeddings"), Route::Skip);
        assert_eq!(route("encoder/attention/linear_0/weight"), Route::Skip);
    }
}
