import type { ReactNode } from "react";
import type { CallRow } from "../api";
import { clock, when, words } from "../format";

type Props = { row: CallRow; onOpen: (id: number) => void; detail?: ReactNode };

/** One call in a list: who, what, when, how it went. */
export function CallRowItem({ row, onOpen, detail }: Props) {
  const people = [row.agent_name && `Agent ${row.agent_name}`, row.customer_name && `Customer ${row.customer_name}`].filter(Boolean).join(" · ");
  return (
    <button type="button" className="call-row" onClick={() => onOpen(row.id)} data-testid="call-row" data-call-id={row.id}>
      <span className="call-row-top">
        <span className="call-file">{row.file_name}</span>
        <span className="chip">{words(row.domain)}</span>
        <span className="chip subtle">{words(row.category)}</span>
        <span className={`dot sentiment-${row.sentiment}`} title={`Sentiment: ${row.sentiment}`} aria-label={`Sentiment ${row.sentiment}`} />
        <span className="muted small">{words(row.resolution)}</span>
        <span className="spacer" />
        <span className="muted small">{clock(row.duration_ms)}</span>
        <span className="muted small">{when(row.created_at)}</span>
      </span>
      <span className="call-row-bottom muted small">{detail ?? (people || row.summary_snippet)}</span>
    </button>
  );
}
