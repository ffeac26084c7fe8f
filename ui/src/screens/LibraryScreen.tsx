import { useEffect, useState } from "react";
import { api, type CallFilter, type CallSort, type CatalogEntry, type SearchHit } from "../api";
import { CallList } from "../components/CallList";
import { Filters } from "../components/Filters";
import { LibraryExport } from "../components/LibraryExport";
import { SearchResults } from "../components/SearchResults";
import { UsageSummary } from "../components/UsageSummary";

type Props = { openCall: (id: number) => void };

/** Waits this long after the last keystroke before searching. */
const SEARCH_DELAY_MS = 250;
/** Search hits shown at most (best first). */
const SEARCH_LIMIT = 200;

/** Every stored call: full-text search, filters, sort and a virtualised list. */
export function LibraryScreen({ openCall }: Props) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<CallFilter>(emptyFilter());
  const [sort, setSort] = useState<CallSort>("newest");
  const [domains, setDomains] = useState<CatalogEntry[]>([]);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.listDomains().then(setDomains, (e: unknown) => setError(message(e)));
  }, []);

  useEffect(() => {
    if (!query.trim()) {
      setHits(null);
      return;
    }
    const timer = window.setTimeout(() => {
      api.searchCalls(query, filter, SEARCH_LIMIT).then(
        (found) => {
          setHits(found);
          setError(null);
        },
        (e: unknown) => setError(message(e)),
      );
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [query, filter]);

  return (
    <section className="screen library" aria-labelledby="library-title">
      <div className="library-head">
        <h1 id="library-title">Library</h1>
        <input
          type="search"
          className="search"
          aria-label="Search calls"
          placeholder="Search transcripts, summaries, names…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="search"
        />
        <LibraryExport filter={filter} searching={query.trim() !== ""} />
      </div>
      <Filters filter={filter} onChange={setFilter} sort={sort} onSort={setSort} domains={domains} sortable={hits === null} />
      {error && <p className="inline-error" role="alert">{error}</p>}
      <UsageSummary filter={filter} onError={setError} />
      {hits === null ? (
        <CallList filter={filter} sort={sort} openCall={openCall} onError={setError} />
      ) : (
        <SearchResults hits={hits} limit={SEARCH_LIMIT} openCall={openCall} />
      )}
    </section>
  );
}

export function emptyFilter(): CallFilter {
  return { domain: null, category: null, sentiment: null, resolution: null, agent: null, since: null, until: null };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
