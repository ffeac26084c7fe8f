//! The job queue every shell shares: files wait in order, a bounded number of workers analyse
//! them through the service layer, each job can be cancelled, and every change of state is
//! reported as a `JobUpdate` (the desktop forwards them as events, the server as WebSocket
//! messages, the CLI as progress bars).

mod queue;
mod state;

pub use queue::{JobQueue, QueueOptions, UpdateSink};
pub use state::{JobState, JobUpdate};
