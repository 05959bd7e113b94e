import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestOf, RunSummary } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { messageOf } from '../../format/error-message.js';

export type RunQuery = Omit<RequestOf<'history:runs'>, 'cursor' | 'limit'>;

export interface RunPages {
  state: 'loading' | 'error' | 'ready';
  error: string | null;
  items: RunSummary[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** Re-reads the first page and merges it in front, keeping pages already scrolled through. */
  refresh: () => void;
}

/**
 * History runs for a filter, a page at a time (cursor pagination). `pageSize` defaults to 500:
 * big enough that scrolling 100,000 runs needs 200 requests, small enough to answer fast.
 */
export function useRunPages(query: RunQuery, pageSize = 500): RunPages {
  const api = useApi();
  const key = JSON.stringify(query);
  const [items, setItems] = useState<RunSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<RunPages['state']>('loading');
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  const loadingMoreRef = useRef(false);

  const fetchFirst = useCallback(
    (merge: boolean) => {
      const mine = ++generation.current;
      if (!merge) setState('loading');
      const request = { ...(JSON.parse(key) as RunQuery), limit: pageSize };
      api['history:runs'](request).then(
        (page) => {
          if (mine !== generation.current) return;
          setTotal(page.total);
          setItems((old) => {
            if (!merge || old.length <= page.items.length) {
              setCursor(page.nextCursor);
              return page.items;
            }
            const fresh = new Set(page.items.map((r) => r.runId));
            return [...page.items, ...old.filter((r) => !fresh.has(r.runId))];
          });
          setState('ready');
          setError(null);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          setError(messageOf(e));
          setState('error');
        },
      );
    },
    [api, key, pageSize],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    fetchFirst(false);
  }, [fetchFirst]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMoreRef.current) return;
    loadingMoreRef.current = true;
    setLoadingMore(true);
    const mine = generation.current;
    const request = { ...(JSON.parse(key) as RunQuery), limit: pageSize, cursor };
    api['history:runs'](request)
      .then(
        (page) => {
          if (mine !== generation.current) return;
          setItems((old) => {
            const seen = new Set(old.map((r) => r.runId));
            return [...old, ...page.items.filter((r) => !seen.has(r.runId))];
          });
          setCursor(page.nextCursor);
          setTotal(page.total);
        },
        (e: unknown) => {
          if (mine === generation.current) setError(messageOf(e));
        },
      )
      .finally(() => {
        loadingMoreRef.current = false;
        setLoadingMore(false);
      });
  }, [api, key, pageSize, cursor]);

  const refresh = useCallback(() => fetchFirst(true), [fetchFirst]);

  return { state, error, items, total, hasMore: cursor !== null, loadingMore, loadMore, refresh };
}
