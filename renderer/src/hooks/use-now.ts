import { useEffect, useState } from 'react';
import { refreshDelay } from '../../../main/api/relative-refresh.js';

/**
 * The current time for relative times ("in 3 min") of the instants a screen shows. It is read
 * again whenever those instants change (new data), and then as often as `refreshDelay` says, so
 * a task due in 3 s never reads "in 33 sec.". It re-renders only; it never fetches.
 */
export function useNow(instants: readonly (number | null)[]): number {
  const [now, setNow] = useState(() => Date.now());
  // The instants as text, so a new array with the same values is not new data.
  const shown = instants.join(',');
  useEffect(() => setNow(Date.now()), [shown]);
  const delay = refreshDelay(instants, now);
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), delay);
    return () => clearTimeout(timer);
  }, [now, delay]);
  return now;
}
