import { describe, isFinished, missingModelHint, type Job } from "../state/jobs";
import { words } from "../format";

type Props = {
  jobs: Job[];
  onCancel: (jobId: number) => void;
  onOpen: (callId: number) => void;
};

/** The analysis queue: each file with its stage, progress, result or error. */
export function JobList({ jobs, onCancel, onOpen }: Props) {
  if (jobs.length === 0) {
    return <p className="empty">Nothing queued yet.</p>;
  }
  return (
    <ul className="jobs" aria-label="Analysis queue">
      {jobs.map((job) => {
        const { label, percent } = describe(job.state);
        const hint = missingModelHint(job.state);
        return (
          <li key={job.job_id} className={`job job-${job.state.kind}`} data-testid="job" data-state={job.state.kind}>
            <div className="job-main">
              <span className="job-file" title={job.path}>
                {job.file_name}
              </span>
              <span className="job-stage" data-testid="job-stage">
                {label}
                {percent !== null && job.state.kind === "running" && <> · {percent} %</>}
              </span>
            </div>
            {job.state.kind === "running" && (
              <progress max={100} value={percent ?? 0} aria-label={`${job.file_name}: ${label}`} />
            )}
            {job.state.kind === "queued" && <progress aria-label={`${job.file_name}: waiting`} />}
            {job.state.kind === "failed" && (
              <p className="inline-error" role="alert">
                {job.state.message}
              </p>
            )}
            {hint && <p className="small" data-testid="job-hint">{hint}</p>}
            <div className="job-actions">
              {job.state.kind === "done" && (
                <>
                  <span className="muted">
                    {words(job.state.domain)} · {words(job.state.category)}
                  </span>
                  <button type="button" onClick={() => onOpen((job.state as { call_id: number }).call_id)} data-testid="open-call">
                    Open call
                  </button>
                </>
              )}
              {!isFinished(job.state) && (
                <button type="button" onClick={() => onCancel(job.job_id)} aria-label={`Cancel ${job.file_name}`}>
                  Cancel
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
