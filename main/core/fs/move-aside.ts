import { existsSync, renameSync } from 'node:fs';

/** `2026-03-01T09-00-00-000Z`: an instant that sorts by time and is a valid file name on every OS. */
export function fileStamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames a bad file to `<path>.corrupt-<timestamp>` beside it and returns the new path. The
 * file is kept for the user (or a support request) to inspect: Crontray never deletes it. A
 * numeric suffix keeps two files moved aside in the same millisecond apart.
 */
export function moveAside(path: string, nowMs: number): string {
  const base = `${path}.corrupt-${fileStamp(nowMs)}`;
  let target = base;
  for (let n = 1; existsSync(target); n++) target = `${base}-${n}`;
  renameSync(path, target);
  return target;
}
