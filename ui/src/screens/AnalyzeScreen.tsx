import { useEffect, useState, type Dispatch, type FormEvent, type SetStateAction } from "react";
import { api } from "../api";
import { applyUpdate, activeCount, withoutFinished, type Job } from "../state/jobs";
import { JobList } from "../components/JobList";

type Props = {
  jobs: Job[];
  setJobs: Dispatch<SetStateAction<Job[]>>;
  openCall: (id: number) => void;
};

/** Drop or pick recordings, or type a path; watch the queue. */
export function AnalyzeScreen({ jobs, setJobs, openCall }: Props) {
  const [hovering, setHovering] = useState(false);
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function queue(paths: string[]) {
    if (paths.length === 0) return;
    setError(null);
    try {
      const queued = await api.analyzeFiles(paths);
      setJobs((current) => queued.reduce(applyUpdate, current));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    api
      .onFileDrop((paths) => void queue(paths), setHovering)
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch(() => setError("Dropping files is unavailable here; use Open files… instead."));
    return () => {
      cancelled = true;
      stop?.();
    };
    // Subscribed once: `queue` only uses state setters, which never change.
  }, []);

  async function pick() {
    try {
      await queue(await api.pickRecordings());
    } catch (e) {
      setError(`Could not open the file picker: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function submitPath(event: FormEvent) {
    event.preventDefault();
    const trimmed = path.trim();
    if (trimmed) {
      void queue([trimmed]);
      setPath("");
    }
  }

  async function cancel(jobId: number) {
    try {
      await api.cancelJob(jobId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function cancelAll() {
    try {
      await api.cancelAllJobs();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const active = activeCount(jobs);

  return (
    <section className="screen" aria-labelledby="analyze-title">
      <h1 id="analyze-title">Analyze calls</h1>
      <div className={`dropzone${hovering ? " hovering" : ""}`} data-testid="dropzone">
        <p className="dropzone-title">Drop call recordings here</p>
        <p className="muted">WAV, MP3, M4A, FLAC or OGG · agent on the left channel, customer on the right</p>
        <button type="button" className="primary" onClick={() => void pick()}>
          Open files…
        </button>
      </div>
      <form className="path-form" onSubmit={submitPath}>
        <label htmlFor="path-input">Or analyse a file by its path</label>
        <div className="row">
          <input
            id="path-input"
            type="text"
            value={path}
            placeholder="/home/me/calls/call.wav"
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" disabled={!path.trim()} data-testid="analyze-path">
            Analyse
          </button>
        </div>
      </form>
      {error && <p className="inline-error" role="alert">{error}</p>}
      <div className="queue-head">
        <h2>Queue</h2>
        <p className="muted">One call is analysed at a time: transcription already uses every core.</p>
        <div className="row gap">
          <button type="button" onClick={() => void cancelAll()} disabled={active === 0}>
            Cancel all
          </button>
          <button type="button" onClick={() => setJobs(withoutFinished)} disabled={jobs.length === active}>
            Clear finished
          </button>
        </div>
      </div>
      <JobList jobs={jobs} onCancel={(id) => void cancel(id)} onOpen={openCall} />
    </section>
  );
}
