import type { CallFilter, CallSort, CatalogEntry, Resolution, Sentiment } from "../api";
import { words } from "../format";

type Props = {
  filter: CallFilter;
  onChange: (filter: CallFilter) => void;
  sort: CallSort;
  onSort: (sort: CallSort) => void;
  domains: CatalogEntry[];
  /** Search results come best-first, so sorting applies to the plain list only. */
  sortable: boolean;
};

const SENTIMENTS: Sentiment[] = ["positive", "neutral", "negative"];
const RESOLUTIONS: Resolution[] = ["resolved", "unresolved", "escalated", "follow_up"];
const SORTS: { value: CallSort; label: string }[] = [
  { value: "newest", label: "Newest first" },
  { value: "oldest", label: "Oldest first" },
  { value: "longest", label: "Longest first" },
  { value: "shortest", label: "Shortest first" },
];

/** The library's filters and sort order. */
export function Filters({ filter, onChange, sort, onSort, domains, sortable }: Props) {
  const domainNames = [...new Set(domains.map((d) => d.domain))].sort();
  const categories = domains.filter((d) => d.domain === filter.domain).map((d) => d.category).sort();
  const set = (patch: Partial<CallFilter>) => onChange({ ...filter, ...patch });
  const text = (v: string) => (v.trim() === "" ? null : v);

  return (
    <div className="filters" role="group" aria-label="Filters">
      <label>
        Domain
        <select value={filter.domain ?? ""} onChange={(e) => set({ domain: text(e.target.value), category: null })}>
          <option value="">All</option>
          {domainNames.map((d) => (
            <option key={d} value={d}>
              {words(d)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Category
        <select value={filter.category ?? ""} onChange={(e) => set({ category: text(e.target.value) })} disabled={!filter.domain}>
          <option value="">All</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {words(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sentiment
        <select value={filter.sentiment ?? ""} onChange={(e) => set({ sentiment: (text(e.target.value) as Sentiment | null) })}>
          <option value="">All</option>
          {SENTIMENTS.map((s) => (
            <option key={s} value={s}>
              {words(s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Resolution
        <select value={filter.resolution ?? ""} onChange={(e) => set({ resolution: (text(e.target.value) as Resolution | null) })}>
          <option value="">All</option>
          {RESOLUTIONS.map((r) => (
            <option key={r} value={r}>
              {words(r)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent
        <input type="text" value={filter.agent ?? ""} onChange={(e) => set({ agent: text(e.target.value) })} placeholder="Any" />
      </label>
      <label>
        From
        <input type="date" value={filter.since ?? ""} onChange={(e) => set({ since: text(e.target.value) })} />
      </label>
      <label>
        To
        <input type="date" value={filter.until ?? ""} onChange={(e) => set({ until: text(e.target.value) })} />
      </label>
      <label>
        Sort
        <select value={sort} onChange={(e) => onSort(e.target.value as CallSort)} disabled={!sortable}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
