import { useState, type FormEvent } from "react";
import { api, type CallDetail, type Value } from "../api";
import { fieldText, parseFieldValue, words } from "../format";

type Props = { detail: CallDetail; onChange: (detail: CallDetail) => void; onError: (message: string) => void };

/** The call's extracted fields; any value can be corrected, and corrected ones are marked. */
export function FieldsTable({ detail, onChange, onError }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const { call } = detail;
  const fields = call.domain_specific_data;
  const corrected = new Map(detail.corrections.map((c) => [c.field, c]));
  const names = Object.keys(fields).sort();

  function start(field: string) {
    setEditing(field);
    setDraft(fieldText(fields[field]));
  }

  async function save(event: FormEvent, field: string) {
    event.preventDefault();
    try {
      const value = parseFieldValue(draft, fields[field]) as Value;
      onChange(await api.correctField(call.call_id, field, value));
      setEditing(null);
    } catch (e) {
      onError(`${call.file_name}: could not save ${field}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  if (names.length === 0) return <p className="empty">No fields were extracted for this call.</p>;
  return (
    <dl className="fields" data-testid="fields">
      {names.map((name) => {
        const mark = corrected.get(name);
        return (
          <div key={name} className="field" data-field={name}>
            <dt>
              {words(name)}
              {mark && (
                <span className="corrected" title={`Corrected ${mark.corrected_at}; was ${fieldText(mark.original) || "empty"}`}>
                  corrected
                </span>
              )}
            </dt>
            <dd>
              {editing === name ? (
                <form className="row gap" onSubmit={(e) => void save(e, name)}>
                  <input aria-label={`New value for ${words(name)}`} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
                  <button type="submit" className="primary">Save</button>
                  <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                </form>
              ) : (
                <span className="row gap">
                  <span className="value" data-testid={`field-${name}`}>{fieldText(fields[name])}</span>
                  <button type="button" className="link small" onClick={() => start(name)} aria-label={`Correct ${words(name)}`}>
                    Correct
                  </button>
                </span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
