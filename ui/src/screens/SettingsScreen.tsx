import { useEffect, useState } from "react";
import { api, type Settings, type SettingsView } from "../api";
import { megabytes } from "../format";

/** Model, analysis provider, privacy and where data lives. */
export function SettingsScreen() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.getSettings().then(
      (v) => {
        setView(v);
        setDraft(v.settings);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  async function save() {
    if (!draft) return;
    try {
      const v = await api.saveSettings(draft);
      setView(v);
      setDraft(v.settings);
      setSaved(true);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  if (!view || !draft) {
    return <section className="screen">{error ? <p className="inline-error" role="alert">{error}</p> : <p className="muted">Loading settings…</p>}</section>;
  }
  const change = (patch: Partial<Settings>) => {
    setDraft({ ...draft, ...patch });
    setSaved(false);
  };
  const selected = view.models.find((m) => m.name === draft.model);

  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <div className="panel form">
        <label htmlFor="model">Speech model</label>
        <select id="model" value={draft.model} onChange={(e) => change({ model: e.target.value })}>
          {view.models.map((m) => (
            <option key={m.name} value={m.name} disabled={!m.installed}>
              {m.name} {m.installed ? `· ${megabytes(m.size_bytes)}` : "· not installed"}
            </option>
          ))}
        </select>
        <p className="muted small">{selected ? selected.description : `${draft.model} is not installed: run \`callscope models install ${draft.model}\`.`}</p>

        <label htmlFor="provider">Analysis</label>
        <select id="provider" value={draft.provider} onChange={() => change({ provider: "offline" })}>
          <option value="offline">Offline analyzer (nothing leaves this computer)</option>
        </select>

        <label className="check">
          <input type="checkbox" checked={draft.keep_original_pii} onChange={(e) => change({ keep_original_pii: e.target.checked })} />
          Keep personal data unredacted in the library
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.swap_channels} onChange={(e) => change({ swap_channels: e.target.checked })} />
          The agent is on the right channel
        </label>

        <div className="row gap">
          <button type="button" className="primary" onClick={() => void save()}>
            Save
          </button>
          {saved && <span role="status" className="muted">Saved. New analyses use these settings.</span>}
        </div>
        {error && <p className="inline-error" role="alert">{error}</p>}
      </div>
      <div className="panel">
        <h2>Where things are</h2>
        <dl className="facts">
          <dt>Library and settings</dt>
          <dd><code>{view.data_dir}</code></dd>
          <dt>Speech models</dt>
          <dd><code>{view.models_dir}</code></dd>
          <dt>Logs</dt>
          <dd><code>{view.log_dir}</code></dd>
        </dl>
        <p className="muted small">Set CALLSCOPE_DATA or CALLSCOPE_MODELS before starting Callscope to use other folders.</p>
      </div>
    </section>
  );
}
