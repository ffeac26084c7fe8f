import type { SecretName, SecretView, Settings } from "../api";

type Props = {
  secrets: SecretView[];
  /** Keys typed but not saved yet, by name. */
  typed: Partial<Record<SecretName, string>>;
  onType: (name: SecretName, value: string) => void;
  onRemove: (key: SecretView) => void;
  settings: Settings;
  onChange: (patch: Partial<Settings>) => void;
};

/** What a stored key looks like on screen: never the key, at most its last four characters. */
export function keyState(key: SecretView): string {
  switch (key.state) {
    case "stored":
      return `Stored in the system keyring ${key.masked ?? ""}`.trim();
    case "missing":
      return "Not stored";
    case "unavailable":
      return key.message ?? "The system keyring could not be asked";
  }
}

/** API keys (kept in the OS keyring) and the addresses of the services that use them. */
export function ApiKeys({ secrets, typed, onType, onRemove, settings, onChange }: Props) {
  return (
    <div className="api-keys">
      {secrets.map((key) => (
        <div key={key.name} className="api-key">
          {key.name === "openai_api_key" && (
            <UrlField id="openai-base-url" label="OpenAI-compatible base URL" value={settings.openai_base_url ?? ""}
              placeholder="https://api.openai.com/v1 · http://localhost:11434/v1 (Ollama)" onChange={(v) => onChange({ openai_base_url: v })} />
          )}
          {key.name === "supabase_key" && (
            <UrlField id="supabase-url" label="Supabase URL" value={settings.supabase_url ?? ""}
              placeholder="https://PROJECT.supabase.co" onChange={(v) => onChange({ supabase_url: v })} />
          )}
          <label htmlFor={`key-${key.name}`}>{key.label}</label>
          <p className={key.state === "unavailable" ? "inline-error" : "muted small"} data-testid={`key-state-${key.name}`}>
            {keyState(key)}
          </p>
          <div className="row gap">
            <input
              id={`key-${key.name}`}
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={key.state === "stored" ? "Paste a new key to replace it" : "Paste the key"}
              value={typed[key.name] ?? ""}
              onChange={(e) => onType(key.name, e.target.value)}
            />
            {key.state === "stored" && (
              <button type="button" className="danger" aria-label={`Remove ${key.label}`} onClick={() => onRemove(key)}>
                Remove
              </button>
            )}
          </div>
          {key.state === "stored" && key.message && <p className="inline-error" role="alert">{key.message}</p>}
          <p className="muted small">{key.used_by}</p>
        </div>
      ))}
    </div>
  );
}

type UrlProps = { id: string; label: string; value: string; placeholder: string; onChange: (value: string) => void };

function UrlField({ id, label, value, placeholder, onChange }: UrlProps) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="url" spellCheck={false} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}
