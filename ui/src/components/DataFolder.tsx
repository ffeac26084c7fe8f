import { useState } from "react";
import { api, type SettingsView } from "../api";

type Props = {
  view: SettingsView;
  onView: (view: SettingsView) => void;
};

/** The data folder in use, and choosing another one for the next start. */
export function DataFolder({ view, onView }: Props) {
  const [error, setError] = useState<string | null>(null);

  async function choose() {
    setError(null);
    try {
      const path = await api.pickFolder("Choose the folder for Callscope's data");
      if (path === null) return;
      onView(await api.chooseDataDir(path));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function reset() {
    setError(null);
    try {
      onView(await api.resetDataDir());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const fromEnvironment = view.data_dir_source === "environment";
  return (
    <div className="data-folder">
      <dl className="facts">
        <dt>Data folder</dt>
        <dd>
          <code data-testid="data-dir">{view.data_dir}</code>
          {fromEnvironment && <span className="muted small"> (set by CALLSCOPE_DATA)</span>}
        </dd>
      </dl>
      <p className="muted small">
        Holds the call library (callscope.sqlite3), the settings and the logs. Another folder is used from the next start; the calls
        already in this folder stay here (copy callscope.sqlite3 into the new folder to take them along).
      </p>
      {view.next_data_dir && (
        <p className="notice" role="status" data-testid="next-data-dir">
          From the next start: <code>{view.next_data_dir}</code>. Restart Callscope to switch.
        </p>
      )}
      {fromEnvironment && <p className="muted small">CALLSCOPE_DATA is set, so it decides the data folder while it is set.</p>}
      <div className="row gap wrap">
        <button type="button" onClick={() => void choose()} data-testid="choose-data-dir">
          Choose another folder…
        </button>
        {(view.data_dir_source === "chosen" || view.next_data_dir) && !fromEnvironment && (
          <button type="button" onClick={() => void reset()}>
            Use the default folder
          </button>
        )}
      </div>
      {error && <p className="inline-error" role="alert">{error}</p>}
    </div>
  );
}
