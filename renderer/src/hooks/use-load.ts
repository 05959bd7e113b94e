import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../format/error-message.js';

export type Load<T> =
  | { state: 'loading' }
  | { state: 'error'; message: string; error: unknown }
  | { state: 'ready'; value: T };

/**
 * Runs `fetcher` on mount and whenever `reload()` is called. A reload keeps showing the last
 * value while it runs (no flash back to "Loading…"), and an answer that arrives after a newer
 * request started is dropped.
 */
export function useLoad<T>(
  fetcher: () => Promise<T>,
  deps: readonly unknown[],
): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const generation = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    fetcherRef.current().then(
      (value) => {
        if (mine === generation.current) setLoad({ state: 'ready', value });
      },
      (error: unknown) => {
        if (mine === generation.current)
          setLoad({ state: 'error', message: messageOf(error), error });
      },
    );
  }, []);

  useEffect(() => {
    setLoad({ state: 'loading' });
    reload();
    // The caller names what the fetch depends on, like a useEffect dependency list.
  }, deps);

  return [load, reload];
}
