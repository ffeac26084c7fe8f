import type { SecretKind, SecretView } from "../api";

type Props = {
  secrets: SecretView[];
  /** Keys typed but not saved yet, by kind. */
  typed: Partial<Record<SecretKind, string>>;
  onType: (kind: SecretKind, value: string) => void;
  onRemove: (key: SecretView) => void;
};

/** What a stored key looks like on screen: never the key, at most its last four characters. */
export function keyState(key: SecretView): string {
  switch (key.status.state) {
    case "stored":
      return `Stored in the system keyring ${key.status.masked}`.trim();
    case "missing":
      return "Not stored";
    case "unavailable":
      return key.status.message || "The system keyring could not be asked";
  }
}

/** API keys, kept in the OS keyring. */
export function ApiKeys({ secrets, typed, onType, onRemove }: Props) {
  return (
    <div className="api-keys">
      {secrets.map((key) => {
        const stored = key.status.state === "stored";
        return (
          <div key={key.kind} className="api-key">
            <label htmlFor={`key-${key.kind}`}>{key.label}</label>
            <p className={key.status.state === "unavailable" ? "inline-error" : "muted small"} data-testid={`key-state-${key.kind}`}>
              {keyState(key)}
            </p>
            <div className="row gap">
              <input
                id={`key-${key.kind}`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder={stored ? "Paste a new key to replace it" : "Paste the key"}
                value={typed[key.kind] ?? ""}
                onChange={(e) => onType(key.kind, e.target.value)}
              />
              {stored && (
                <button type="button" className="danger" aria-label={`Remove ${key.label}`} onClick={() => onRemove(key)}>
                  Remove
                </button>
              )}
            </div>
            {stored && key.warning && <p className="inline-error" role="alert">{key.warning}</p>}
            <p className="muted small">{key.used_by}</p>
          </div>
        );
      })}
    </div>
  );
}
