import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Temp files of conf's writer (`config.json.tmp-<time><hex>`) and of ours, for config.json and its backup. */
const LEFTOVER_TEMP =
  /^(?:config\.json(?:\.bak)?\.tmp-\d{10}[0-9a-f]{6}|\.config\.json(?:\.bak)?\.[0-9a-f]{12}\.tmp)$/;

/**
 * Removes temp files a crash left mid-write. They only ever hold a copy being written, never
 * the only copy: the rename that would have published them did not happen. Returns their names.
 */
export function removeLeftoverTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed = names.filter((name) => LEFTOVER_TEMP.test(name));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}
