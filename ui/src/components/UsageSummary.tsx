import { useEffect, useState } from "react";
import { api, type CallFilter, type UsageGrouping, type UsageReport } from "../api";

type Props = { filter: CallFilter; onError: (message: string) => void };

const GROUPINGS: { value: UsageGrouping; label: string }[] = [
  { value: "day", label: "per day" },
  { value: "domain", label: "per domain" },
  { value: "call", label: "per call" },
];

/** LLM tokens and their estimated cost for the calls the filters select, with a breakdown. */
export function UsageSummary({ filter, onError }: Props) {
  const [grouping, setGrouping] = useState<UsageGrouping>("day");
  const [report, setReport] = useState<UsageReport | null>(null);

  useEffect(() => {
    let live = true;
    api.usageReport(filter, grouping).then(
      (r) => live && setReport(r),
      (e: unknown) => live && onError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [filter, grouping, onError]);

  if (!report) return null;
  const total = report.total;
  return (
    <details className="usage panel" data-testid="usage">
      <summary>
        <span data-testid="usage-total">
          {total.total_tokens === 0
            ? `${total.calls.toLocaleString()} call${total.calls === 1 ? "" : "s"}, no LLM tokens (analysed offline)`
            : `${total.total_tokens.toLocaleString()} LLM tokens over ${total.calls.toLocaleString()} calls · about ${usd(total.cost_usd)}`}
        </span>
      </summary>
      <label className="small">
        Break down{" "}
        <select value={grouping} onChange={(e) => setGrouping(e.target.value as UsageGrouping)} aria-label="Break token usage down">
          {GROUPINGS.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
      <table className="usage-table">
        <thead>
          <tr>
            <th scope="col">{grouping}</th>
            <th scope="col">calls</th>
            <th scope="col">input tokens</th>
            <th scope="col">output tokens</th>
            <th scope="col">cost (est.)</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.key}>
              <td>{r.label}</td>
              <td>{r.calls.toLocaleString()}</td>
              <td>{r.input_tokens.toLocaleString()}</td>
              <td>{r.output_tokens.toLocaleString()}</td>
              <td>{usd(r.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total.unpriced_models.length > 0 && (
        <p className="muted small">
          No price is known for {total.unpriced_models.join(", ")} (counted as free); add one under Settings → Token prices.
        </p>
      )}
    </details>
  );
}

/** US dollars with enough decimals for a cent's fraction ("—" when there is no number). */
export function usd(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}
