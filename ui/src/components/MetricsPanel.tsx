import type { ConversationMetrics } from "../api";
import { pct, seconds } from "../format";

/** Rust sends a float that is not a number as null. */
const n = (v: number | null): number => v ?? 0;

/** The call's conversation metrics as a compact table. */
export function MetricsPanel({ metrics: m }: { metrics: ConversationMetrics }) {
  const rows: [string, string, string][] = [
    ["Talk time", pct(n(m.agent_talk_pct)), pct(n(m.customer_talk_pct))],
    ["Words per minute", Math.round(n(m.agent_wpm)).toString(), Math.round(n(m.customer_wpm)).toString()],
    ["Turns", m.agent_turns.toString(), m.customer_turns.toString()],
    ["Interruptions", m.interruptions_by_agent.toString(), m.interruptions_by_customer.toString()],
  ];
  return (
    <>
      <table className="metrics" data-testid="metrics">
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Metric</span></th>
            <th scope="col">Agent</th>
            <th scope="col">Customer</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, a, c]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{a}</td>
              <td>{c}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Silence {pct(n(m.silence_pct))} (longest {seconds(m.longest_silence_ms)}) · overtalk {m.overtalk_count}× ({seconds(m.overtalk_ms)})
      </p>
    </>
  );
}
