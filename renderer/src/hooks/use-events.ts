import { useEffect, useRef } from 'react';
import type { EventName } from '../../../main/api/contract.js';
import { useApi } from '../api/api-context.js';

/**
 * Calls `onEvent` when any of `events` arrives, coalescing a burst (a scheduler starting ten
 * runs at once) into one call after `settleMs` (default 150 ms), so screens refetch once.
 */
export function useEvents(events: readonly EventName[], onEvent: () => void, settleMs = 150): void {
  const api = useApi();
  const callback = useRef(onEvent);
  callback.current = onEvent;
  const key = events.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        callback.current();
      }, settleMs);
    };
    const offs = key.split(',').map((event) => api.on(event as EventName, fire));
    return () => {
      for (const off of offs) off();
      if (timer) clearTimeout(timer);
    };
  }, [api, key, settleMs]);
}
