/** Types for scripts/check-fuses.js, for its tests. */
export function compareFuses(
  configured: Record<string, boolean>,
  wire: Record<number, number>,
): string[];
