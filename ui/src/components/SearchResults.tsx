import type { SearchHit } from "../api";
import { CallRowItem } from "./CallRowItem";

type Props = { hits: SearchHit[]; limit: number; openCall: (id: number) => void };

/** Search hits, best first, each with the passage that matched highlighted. */
export function SearchResults({ hits, limit, openCall }: Props) {
  if (hits.length === 0) {
    return <p className="empty">No call contains all of these words.</p>;
  }
  return (
    <>
      <p className="muted count" aria-live="polite">
        {hits.length >= limit ? `The best ${limit} matches` : `${hits.length} match${hits.length === 1 ? "" : "es"}`}
      </p>
      <ul className="hits" aria-label="Search results">
        {hits.map((hit) => (
          <li key={hit.call.id}>
            <CallRowItem
              row={hit.call}
              onOpen={openCall}
              detail={
                <span className="snippet">
                  {hit.snippet.map((part, i) => (part.matched ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                </span>
              }
            />
          </li>
        ))}
      </ul>
    </>
  );
}
