import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink, mkdir, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { fileGate } from './fd-gate.js';

export interface AtomicWriteOptions {
  /** Applies to new files. Default 0o644. */
  mode?: number;
  /**
   * fsync the data before the rename (default true). False still never shows a reader half a
   * file, but a power cut may lose the write: for data that something else makes durable (a
   * journal) or that does not matter after a crash (a 'running' record).
   */
  durable?: boolean;
}

/** `.<name>.<12 hex>.tmp` beside the target: hidden, and recognised by isAtomicTempFile(). */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes a file so a reader (or a crash) sees either the old content or the new, never half:
 * write a temp file beside it, fsync, rename over the target. It holds one descriptor, taken
 * from the shared fileGate, so any number of writes in flight stay within the process's limit.
 */
export async function atomicWrite(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeViaTemp(path, data, options);
}

/**
 * atomicWrite whose content is asked for only once the write has its descriptor: a write that
 * waits behind others (a burst of run records) holds no text, still takes the newest content,
 * or is dropped when `content()` says null. Resolves false when nothing was written.
 */
export function atomicWriteWhenFree(
  path: string,
  content: () => string | null,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  return writeViaTemp(path, content, options);
}

async function writeViaTemp(
  path: string,
  data: string | Uint8Array | (() => string | null),
  options: AtomicWriteOptions,
): Promise<boolean> {
  // Named once the write has its descriptor: a waiting write holds no path of its own.
  let tmp = '';
  const written = await fileGate.run(async () => {
    const content = typeof data === 'function' ? data() : data;
    if (content === null) return false;
    tmp = tempPathFor(path);
    let handle;
    try {
      handle = await open(tmp, 'w', options.mode ?? 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(path), { recursive: true });
      handle = await open(tmp, 'w', options.mode ?? 0o644);
    }
    try {
      await handle.writeFile(content);
      if (options.durable ?? true) await handle.datasync();
    } catch (error) {
      await handle.close();
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    return true;
  });
  if (!written) return false;
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  return true;
}

/**
 * atomicWrite for synchronous callers (opening config.json happens in a constructor): the
 * same temp name, fsync and rename, in one blocking call that holds one descriptor.
 */
export function atomicWriteSync(path: string, data: string, options: { mode?: number } = {}): void {
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w', options.mode ?? 0o644);
  try {
    writeSync(fd, data);
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

/** True for the temp files atomicWrite leaves behind only if the process dies mid-write. */
export function isAtomicTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Removes the atomic-write temp files in one folder (not below it) that a crash left mid-write.
 * They never hold the only copy: the rename that would have published them did not happen.
 * Call it on open, before anything in the folder writes again. Returns the names removed.
 */
export async function removeAtomicTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const leftovers = names.filter(isAtomicTempFile);
  for (const name of leftovers) await rm(join(dir, name), { force: true });
  return leftovers;
}
