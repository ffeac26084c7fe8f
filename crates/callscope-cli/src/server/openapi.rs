//! `GET /api/openapi.json`: the API described for client generators (OpenAPI 3.1). The
//! document is written by hand beside this file; a test checks it lists every route.

use std::sync::LazyLock;

use axum::Json;
use serde_json::Value;

/// The document as written.
const DOCUMENT: &str = include_str!("openapi.json");

/// The document with `/api/transcribe` (no slash) added as a copy of `/api/transcribe/`, so
/// the hand-written file says it once.
static SERVED: LazyLock<Value> = LazyLock::new(|| {
    let mut document: Value = serde_json::from_str(DOCUMENT).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document is not valid JSON");
        Value::Null
    });
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        if let Some(mut same) = paths.get("/api/transcribe/").cloned() {
            same["post"]["operationId"] = Value::from("transcribeWithoutSlash");
            paths.insert("/api/transcribe".into(), same);
        }
    }
    document
});

/// `GET /api/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(SERVED.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described() {
        let paths = SERVED["paths"].as_object().expect("the document has paths");
        for path in super::super::routes::PATHS {
            assert!(paths.contains_key(path), "{path} is not in openapi.json");
        }
        assert_eq!(paths.len(), super::super::routes::PATHS.len(), "openapi.json describes a route the server does not have");
    }
}
