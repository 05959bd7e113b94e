import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` so a crash leaves the old file or the new one, never half (temp file,
 * fsync, rename). Synchronous because conf, which owns config.json, is synchronous.
 */
export function writeFileAtomicSync(path: string, text: string, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    unlinkSync(tmp);
    throw error;
  }
}

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
