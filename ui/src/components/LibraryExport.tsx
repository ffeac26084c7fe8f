import { useState } from "react";
import { api, type CallFilter, type ExportFormat } from "../api";

type Props = {
  filter: CallFilter;
  /** A search is typed: the export still covers the filters only. */
  searching: boolean;
};

/** Export the calls matching the filters as CSV or JSON, personal data redacted by default. */
export function LibraryExport({ filter, searching }: Props) {
  const [format, setFormat] = useState<ExportFormat>("csv");
  const [redact, setRedact] = useState(true);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function exportCalls() {
    setNotice(null);
    setError(null);
    let path: string | null = null;
    try {
      path = await api.pickExportPath(`callscope-calls.${format}`, format, "Export calls");
      if (path === null) return;
      setBusy(true);
      const count = await api.exportCalls(filter, format, redact, path);
      setNotice(`Exported ${count} call${count === 1 ? "" : "s"} to ${path}`);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      setError(path ? `Export to ${path} failed: ${reason}` : `Export failed: ${reason}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="library-export" role="group" aria-label="Export calls">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} data-testid="export-format">
        <option value="csv">CSV</option>
        <option value="json">JSON</option>
      </select>
      <label className="check">
        <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
        Redact personal data
      </label>
      <button
        type="button"
        onClick={() => void exportCalls()}
        disabled={busy}
        title="Every call matching the filters, oldest first"
        data-testid="export-calls"
      >
        {busy ? "Exporting…" : "Export…"}
      </button>
      {searching && <span className="muted small">Exports the filtered calls; the search text is not applied.</span>}
      {error && <p className="inline-error" role="alert">{error}</p>}
      {notice && <p className="notice" role="status">{notice}</p>}
    </div>
  );
}
