//! The one way synchronous shells (the CLI, the desktop queue's worker thread) run the async
//! service layer: a private single-threaded runtime per calling thread.

use std::cell::OnceCell;
use std::future::Future;

use super::PipelineError;

thread_local! {
    static RUNTIME: OnceCell<Result<tokio::runtime::Runtime, String>> = const { OnceCell::new() };
}

/// Run `future` to completion on this thread. Called from async code (where blocking would
/// stall other tasks, and tokio would panic) it refuses with `PipelineError::Runtime`:
/// async callers await the future instead.
pub fn block_on<T>(future: impl Future<Output = Result<T, PipelineError>>) -> Result<T, PipelineError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PipelineError::Runtime {
            detail: "a blocking entry point was called from async code; await the async one instead".into(),
        });
    }
    RUNTIME.with(|cell| {
        let runtime = cell.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())
        });
        match runtime {
            Ok(rt) => rt.block_on(future),
            Err(detail) => Err(PipelineError::Runtime { detail: format!("no async runtime could be started: {detail}") }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_from_async_code_is_refused_not_a_panic() {
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let result = rt.block_on(async { block_on(async { Ok(1) }) });
        assert!(matches!(result, Err(PipelineError::Runtime { .. })), "{result:?}");
        assert_eq!(block_on(async { Ok(2) }).expect("runs off the runtime"), 2);
    }
}
