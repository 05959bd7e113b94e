import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `everyMs` (default 30 s) so relative times ("in 3 min")
 * stay true. This re-renders only; it never fetches, so it is not a polling loop.
 */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
