//! The job boundary: a panic inside a stage (a dependency's bug, an input nobody foresaw)
//! becomes that file's `PipelineError::Crashed` instead of taking down the queue, the CLI's
//! other files or a server worker.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::PipelineError;

/// Run `work`; a panic in it is returned as `Crashed` for `file` in `stage`.
pub(crate) fn guarded<T>(
    file: &str,
    stage: &'static str,
    work: impl FnOnce() -> Result<T, PipelineError>,
) -> Result<T, PipelineError> {
    // The state `work` touched is dropped with it or belongs to this one file; nothing shared
    // is left half-changed that a later file could see.
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(crashed(file, stage, payload.as_ref())))
}

/// Await `future`; a panic while polling it is returned as `Crashed` for `file` in `stage`.
pub(crate) async fn guarded_async<T, F>(file: &str, stage: &'static str, future: F) -> Result<T, PipelineError>
where
    F: Future<Output = Result<T, PipelineError>>,
{
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(|cx: &mut Context<'_>| poll_guarded(future.as_mut(), cx, file, stage)).await
}

fn poll_guarded<T, F>(future: Pin<&mut F>, cx: &mut Context<'_>, file: &str, stage: &'static str) -> Poll<Result<T, PipelineError>>
where
    F: Future<Output = Result<T, PipelineError>>,
{
    catch_unwind(AssertUnwindSafe(|| future.poll(cx))).unwrap_or_else(|payload| Poll::Ready(Err(crashed(file, stage, payload.as_ref()))))
}

/// The error for a panic, with the panic's message when it has one.
pub(crate) fn crashed(file: &str, stage: &'static str, payload: &(dyn std::any::Any + Send)) -> PipelineError {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".to_string());
    tracing::error!(file, stage, %detail, "a stage panicked; the file fails and the job goes on");
    PipelineError::Crashed { file: file.to_string(), stage, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_stage_becomes_the_files_error() {
        let result: Result<(), _> = guarded("call.wav", "decoding", || panic!("TimeBase cannot have 0 numerator"));
        match result {
            Err(PipelineError::Crashed { file, stage, detail }) => {
                assert_eq!((file.as_str(), stage), ("call.wav", "decoding"));
                assert!(detail.contains("TimeBase"), "{detail}");
            }
            other => panic!("expected Crashed, got {other:?}"),
        }
    }

    #[test]
    fn a_panic_while_awaiting_becomes_the_files_error() {
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let result: Result<(), _> = rt.block_on(guarded_async("call.wav", "analysing", async {
            tokio::task::yield_now().await;
            panic!("provider bug")
        }));
        assert!(matches!(result, Err(PipelineError::Crashed { stage: "analysing", .. })), "{result:?}");
    }
}
