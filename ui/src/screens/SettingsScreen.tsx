import { useEffect, useState } from "react";
import { api, type GeminiMode, type NewSecret, type ProviderChoice, type SecretKind, type SecretView, type Settings, type SettingsView, type TranscriptionChoice } from "../api";
import { megabytes } from "../format";
import { ApiKeys } from "../components/ApiKeys";
import { DataFolder } from "../components/DataFolder";

/** Model, analysis provider, privacy, API keys and where data lives. */
export function SettingsScreen() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [typed, setTyped] = useState<Partial<Record<SecretKind, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    api.getSettings().then(
      (v) => {
        setView(v);
        setDraft(v.settings);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);

  async function save() {
    if (!draft) return;
    const keys: NewSecret[] = Object.entries(typed)
      .filter(([, value]) => value !== undefined && value.trim() !== "")
      .map(([kind, value]) => ({ kind: kind as SecretKind, value: value as string }));
    try {
      const v = await api.saveSettings(draft, keys);
      setView(v);
      setDraft(v.settings);
      setTyped({});
      setSaved(keys.length > 0 ? "Saved; keys are in the system keyring. New analyses use these settings." : "Saved. New analyses use these settings.");
      setError(null);
    } catch (e) {
      setSaved(null);
      setError(messageOf(e));
    }
  }

  async function removeKey(key: SecretView) {
    if (!window.confirm(`Remove the ${key.label} from the system keyring?`)) return;
    try {
      const v = await api.removeKey(key.kind);
      setView(v);
      setSaved(`${key.label} removed.`);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (!view || !draft) {
    return <section className="screen">{error ? <p className="inline-error" role="alert">{error}</p> : <p className="muted">Loading settings…</p>}</section>;
  }
  const change = (patch: Partial<Settings>) => {
    setDraft({ ...draft, ...patch });
    setSaved(null);
  };
  const selected = view.models.find((m) => m.name === draft.model);
  // The environment variable that decides a setting for this session, by setting key.
  const overrides = new Map(view.overridden);
  const describedBy = (key: keyof Settings) => (overrides.has(key) ? overrideId(key) : undefined);

  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <div className="panel form">
        <label htmlFor="model">Speech model</label>
        <select id="model" value={draft.model} onChange={(e) => change({ model: e.target.value })} aria-describedby={describedBy("model")}>
          {view.models.map((m) => (
            <option key={m.name} value={m.name} disabled={!m.installed}>
              {m.name} {m.installed ? `· ${megabytes(m.size_bytes)}` : "· not installed"}
            </option>
          ))}
        </select>
        <p className="muted small">{selected ? selected.description : `${draft.model} is not installed: run \`callscope models install ${draft.model}\`.`}</p>
        <OverrideNote setting="model" variable={overrides.get("model")} />

        <label htmlFor="transcription">Transcription</label>
        <select
          id="transcription"
          value={draft.transcription ?? "local"}
          onChange={(e) => change({ transcription: e.target.value as TranscriptionChoice })}
          aria-describedby={[describedBy("transcription"), "transcription-note"].filter(Boolean).join(" ")}
        >
          <option value="local">On this computer with the speech model above (the audio stays here)</option>
          <option value="openai">OpenAI or a compatible server (uploads the audio)</option>
        </select>
        <p className="muted small" id="transcription-note" data-testid="transcription-note">
          {TRANSCRIPTION_NOTES[draft.transcription ?? "local"]}
        </p>
        <OverrideNote setting="transcription" variable={overrides.get("transcription")} />
        {draft.transcription === "openai" && (
          <>
            <label htmlFor="openai-transcription-model">Transcription model</label>
            <input
              id="openai-transcription-model"
              type="text"
              value={draft.openai_transcription_model ?? ""}
              onChange={(e) => change({ openai_transcription_model: e.target.value })}
              placeholder="whisper-1"
            />
          </>
        )}

        <label htmlFor="provider">Analysis</label>
        <select
          id="provider"
          value={draft.provider ?? "offline"}
          onChange={(e) => change({ provider: e.target.value as ProviderChoice })}
          aria-describedby={[describedBy("provider"), "provider-note"].filter(Boolean).join(" ")}
        >
          <option value="offline">Offline analyzer (nothing leaves this computer)</option>
          <option value="gemini">Gemini (Google)</option>
          <option value="openai">OpenAI or a compatible server (Ollama, llama.cpp, vLLM)</option>
        </select>
        <p className="muted small" id="provider-note" data-testid="provider-note">
          {draft.provider === "gemini" && draft.gemini_mode === "audio" ? GEMINI_AUDIO_NOTE : PROVIDER_NOTES[draft.provider ?? "offline"]}
        </p>
        <OverrideNote setting="provider" variable={overrides.get("provider")} />
        {draft.provider === "gemini" && (
          <>
            <label htmlFor="gemini-model">Gemini model</label>
            <input id="gemini-model" type="text" value={draft.gemini_model ?? ""} onChange={(e) => change({ gemini_model: e.target.value })} placeholder="gemini-2.5-flash" />
            <label htmlFor="gemini-mode">Gemini reads</label>
            <select
              id="gemini-mode"
              value={draft.gemini_mode ?? "text"}
              onChange={(e) => change({ gemini_mode: e.target.value as GeminiMode })}
              aria-describedby={[describedBy("gemini_mode"), "gemini-mode-note"].filter(Boolean).join(" ")}
            >
              <option value="text">The redacted transcript (text mode)</option>
              <option value="audio">The call&apos;s audio, then the redacted transcript (audio mode, the original pipeline)</option>
            </select>
            <p className="muted small" id="gemini-mode-note" data-testid="gemini-mode-note">
              {GEMINI_MODE_NOTES[draft.gemini_mode ?? "text"]}
            </p>
          </>
        )}
        {(draft.provider === "openai" || draft.transcription === "openai") && (
          <>
            <label htmlFor="openai-base-url">Server address</label>
            <input
              id="openai-base-url"
              type="url"
              value={draft.openai_base_url ?? ""}
              onChange={(e) => change({ openai_base_url: e.target.value })}
              placeholder="https://api.openai.com/v1"
              aria-describedby={[describedBy("openai_base_url"), "openai-base-url-hint"].filter(Boolean).join(" ")}
            />
            <p className="muted small" id="openai-base-url-hint">
              OpenAI: https://api.openai.com/v1 · Ollama on this computer: http://localhost:11434/v1
            </p>
            <OverrideNote setting="openai_base_url" variable={overrides.get("openai_base_url")} />
          </>
        )}
        {draft.provider === "openai" && (
          <>
            <label htmlFor="openai-model">Model</label>
            <input id="openai-model" type="text" value={draft.openai_model ?? ""} onChange={(e) => change({ openai_model: e.target.value })} placeholder="gpt-4o-mini" />
          </>
        )}
        {draft.provider !== "offline" && (
          <>
            <label htmlFor="prices">Token prices</label>
            <input
              id="prices"
              type="text"
              value={draft.prices ?? ""}
              onChange={(e) => change({ prices: e.target.value })}
              placeholder="gemini-2.5-flash=0.30/2.50; llama3.1=0/0"
              aria-describedby={[describedBy("prices"), "prices-hint"].filter(Boolean).join(" ")}
              data-testid="prices"
            />
            <p className="muted small" id="prices-hint">
              MODEL=INPUT/OUTPUT in US dollars per million tokens, separated by semicolons; replaces or adds to the
              shipped price list for the cost estimates in the library.
            </p>
          </>
        )}

        <label className="check">
          <input type="checkbox" checked={draft.keep_original_pii} onChange={(e) => change({ keep_original_pii: e.target.checked })} aria-describedby={describedBy("keep_original_pii")} />
          Keep personal data unredacted in the library
        </label>
        <OverrideNote setting="keep_original_pii" variable={overrides.get("keep_original_pii")} />
        <label className="check">
          <input type="checkbox" checked={draft.swap_channels} onChange={(e) => change({ swap_channels: e.target.checked })} aria-describedby={describedBy("swap_channels")} />
          The agent is on the right channel
        </label>
        <OverrideNote setting="swap_channels" variable={overrides.get("swap_channels")} />
        <label className="check">
          <input type="checkbox" checked={draft.filter_music} onChange={(e) => change({ filter_music: e.target.checked })} aria-describedby={describedBy("filter_music")} />
          Filter music on hold and line noise (uses the speech-activity model when installed)
        </label>
        <OverrideNote setting="filter_music" variable={overrides.get("filter_music")} />

        <label htmlFor="live-model">Live captions model</label>
        <select id="live-model" value={draft.live_model ?? "tiny.en"} onChange={(e) => change({ live_model: e.target.value })} aria-describedby="live-model-note">
          {view.models.map((m) => (
            <option key={m.name} value={m.name} disabled={!m.installed}>
              {m.name} {m.installed ? "" : "· not installed"}
            </option>
          ))}
        </select>
        <p className="muted small" id="live-model-note">
          Captions while a call is live; tiny.en keeps up on two cores. The call is analysed with the speech model above when it ends.
        </p>
        <label htmlFor="live-shortcut">Start/stop shortcut</label>
        <input
          id="live-shortcut"
          type="text"
          value={draft.live_shortcut ?? ""}
          onChange={(e) => change({ live_shortcut: e.target.value })}
          placeholder="CommandOrControl+Shift+L"
          aria-describedby="live-shortcut-note"
          data-testid="live-shortcut-setting"
        />
        <p className="muted small" id="live-shortcut-note">
          Works anywhere on the desktop once saved; leave it empty for none.
        </p>
      </div>

      <div className="panel form">
        <h2>API keys and team sync</h2>
        <p className="muted small">
          Keys are kept in the system keyring only, never in Callscope&apos;s files or logs. The Gemini and OpenAI-compatible
          providers use theirs when they analyse (or, for OpenAI, transcribe) calls; the Supabase key is for team sync, which is not built yet.
        </p>
        <ApiKeys
          secrets={view.secrets}
          typed={typed}
          onType={(kind, value) => {
            setTyped({ ...typed, [kind]: value });
            setSaved(null);
          }}
          onRemove={(key) => void removeKey(key)}
        />
      </div>

      <div className="panel">
        <div className="row gap">
          <button type="button" className="primary" onClick={() => void save()} data-testid="save-settings">
            Save
          </button>
          {saved && <span role="status" className="muted">{saved}</span>}
        </div>
        {error && <p className="inline-error" role="alert">{error}</p>}
      </div>

      <div className="panel">
        <h2>Where things are</h2>
        <DataFolder view={view} onView={setView} />
        <dl className="facts">
          <dt>Speech models</dt>
          <dd><code>{view.models_dir}</code></dd>
          <dt>Logs</dt>
          <dd><code>{view.log_dir}</code></dd>
        </dl>
        <p className="muted small">Set CALLSCOPE_MODELS before starting Callscope to use another model folder.</p>
      </div>
    </section>
  );
}

/** What each transcription choice sends where, shown under the choice. */
const TRANSCRIPTION_NOTES: Record<TranscriptionChoice, string> = {
  local: "Whisper runs on this computer: the audio never leaves it.",
  openai:
    "Uploads the audio of each call (each channel's speech, not redacted: audio cannot be) to the server below for transcription, so the speech model above is not used. Needs its API key below, unless the server runs on this computer.",
};

/** What each provider sends where, shown under the choice. */
const PROVIDER_NOTES: Record<ProviderChoice, string> = {
  offline: "Built in: transcripts are analysed on this computer and nothing is sent anywhere.",
  gemini: "Sends each call's redacted transcript (card numbers, SSNs, e-mails and the like replaced) to Google's Gemini API. Needs a Gemini API key below.",
  openai: "Sends each call's redacted transcript to the server below. Needs its API key below, unless the server runs on this computer.",
};

/** What each Gemini mode sends, shown under the choice. */
const GEMINI_MODE_NOTES: Record<GeminiMode, string> = {
  text: "Only the redacted transcript leaves this computer; no audio is sent.",
  audio:
    "Uploads each call's AUDIO to Google (not redacted: audio cannot be; names, card numbers and addresses said in the call go with it). Gemini transcribes it and names the domain and category; fields are then extracted from the redacted transcript made on this computer. Recordings over 20 MB go through Google's Files API and are deleted there after stage 1 (at the latest after 48 hours).",
};

/** The provider note when Gemini is in audio mode. */
const GEMINI_AUDIO_NOTE =
  "Sends each call's audio, then its redacted transcript, to Google's Gemini API. Needs a Gemini API key below.";

function overrideId(setting: string): string {
  return `override-${setting}`;
}

/** Says which environment variable decides a setting for this session; nothing when none does. */
function OverrideNote({ setting, variable }: { setting: keyof Settings; variable: string | undefined }) {
  if (!variable) return null;
  return (
    <p className="muted small" id={overrideId(setting)} data-testid={overrideId(setting)}>
      Set by ${variable} for this session
    </p>
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
