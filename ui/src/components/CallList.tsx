import { useEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { api, type CallFilter, type CallRow, type CallSort } from "../api";
import { CallRowItem } from "./CallRowItem";

type Props = {
  filter: CallFilter;
  sort: CallSort;
  openCall: (id: number) => void;
  onError: (message: string) => void;
};

/** Rows fetched per request; only pages near the visible rows are ever loaded. */
export const PAGE_SIZE = 100;
const ROW_HEIGHT_PX = 68;

/** The whole filtered library as one scrolling list, fetched a page at a time. */
export function CallList({ filter, sort, openCall, onError }: Props) {
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, CallRow[]>>(new Map());
  const requested = useRef<Set<number>>(new Set());
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    generation.current += 1;
    const mine = generation.current;
    requested.current = new Set();
    setPages(new Map());
    setTotal(null);
    api.countCalls(filter).then(
      (n) => mine === generation.current && setTotal(n),
      (e: unknown) => onError(e instanceof Error ? e.message : String(e)),
    );
  }, [filter, sort, onError]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const firstPage = items.length > 0 ? Math.floor(items[0].index / PAGE_SIZE) : 0;
  const lastPage = items.length > 0 ? Math.floor(items[items.length - 1].index / PAGE_SIZE) : 0;

  useEffect(() => {
    if (total === null || total === 0) return;
    const mine = generation.current;
    for (let page = firstPage; page <= lastPage; page++) {
      if (requested.current.has(page)) continue;
      requested.current.add(page);
      api.listCalls(filter, sort, page * PAGE_SIZE, PAGE_SIZE).then(
        (result) => {
          if (mine !== generation.current) return;
          setPages((current) => new Map(current).set(page, result.items));
        },
        (e: unknown) => {
          requested.current.delete(page);
          onError(e instanceof Error ? e.message : String(e));
        },
      );
    }
  }, [firstPage, lastPage, total, filter, sort, onError]);

  if (total === 0) {
    return <p className="empty">No calls match. Analyse recordings on the Analyze screen, or clear the filters.</p>;
  }

  return (
    <>
      <p className="muted count" aria-live="polite">
        {total === null ? "Counting…" : `${total.toLocaleString()} call${total === 1 ? "" : "s"}`}
      </p>
      <div ref={scroller} className="call-list" role="list" aria-label="Calls" tabIndex={-1}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const row = pages.get(Math.floor(item.index / PAGE_SIZE))?.[item.index % PAGE_SIZE];
            return (
              <div
                key={item.key}
                role="listitem"
                className="call-row-slot"
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {row ? <CallRowItem row={row} onOpen={openCall} /> : <div className="call-row placeholder" aria-hidden="true" />}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
