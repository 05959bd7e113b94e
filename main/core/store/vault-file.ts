import { readFile, rename } from 'node:fs/promises';
import { atomicWrite } from '../fs/atomic-write.js';
import { z } from 'zod';
import { actionSchema } from '../model/action.js';
import type { Action } from '../model/action.js';

/** One stored entry. Unknown fields are kept, so a newer version's entries survive a round trip. */
export const vaultEntry = z.looseObject({
  backend: z.string(),
  cipherText: z.string(),
  updatedAt: z.number(),
});
export const vaultFile = z.looseObject({
  version: z.literal(1),
  entries: z.record(z.string(), vaultEntry),
});
export type VaultEntry = z.output<typeof vaultEntry>;
export type VaultFile = z.output<typeof vaultFile>;

/** What is encrypted: the task id travels inside, so an entry copied onto another task is refused. */
export const envelope = z.object({ taskId: z.string(), action: z.unknown() });

export async function readVaultFile(
  path: string,
): Promise<{ kind: 'ok'; file: VaultFile } | { kind: 'missing' } | { kind: 'bad'; error: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = vaultFile.safeParse(json);
  return parsed.success
    ? { kind: 'ok', file: parsed.data }
    : { kind: 'bad', error: z.prettifyError(parsed.error) };
}

/** The action inside a decrypted entry, or the reason it cannot be used. */
export function decodeEnvelope(taskId: string, plain: string): Action | string {
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch {
    return 'its saved action is damaged (it is not JSON once decrypted); re-enter the action';
  }
  const outer = envelope.safeParse(json);
  if (!outer.success)
    return 'its saved action has a layout this version does not know; re-enter the action';
  if (outer.data.taskId !== taskId) {
    return 'its saved action belongs to another task (entries were moved in vault.json); re-enter the action';
  }
  const action = actionSchema.safeParse(outer.data.action);
  if (!action.success) {
    return `its saved action is no longer valid (${z.prettifyError(action.error)}); re-enter the action`;
  }
  return action.data;
}

/**
 * vault.json's entries. A vault that does not parse is never reset in place: it is kept for the
 * user (moved aside), and the last good copy used, with a notice either way.
 */
export async function readVaultOrBackup(o: {
  path: string;
  backupPath: string;
  nowMs: number;
  notice: (text: string) => void;
}): Promise<VaultFile> {
  const main = await readVaultFile(o.path);
  if (main.kind === 'ok') return main.file;
  if (main.kind === 'missing') return { version: 1, entries: {} };
  const aside = `${o.path}.corrupt-${new Date(o.nowMs).toISOString().replace(/[:.]/g, '-')}`;
  await rename(o.path, aside);
  const backup = await readVaultFile(o.backupPath);
  if (backup.kind === 'ok') {
    o.notice(
      `vault.json could not be read (${main.error}); it was moved to ${aside} and the last good copy (vault.json.bak) is used.`,
    );
    await atomicWrite(o.path, JSON.stringify(backup.file, null, 2), { mode: 0o600 });
    return backup.file;
  }
  o.notice(
    `vault.json could not be read (${main.error}) and there is no usable backup; it was moved to ${aside}. Tasks' actions must be re-entered, or restore that file.`,
  );
  return { version: 1, entries: {} };
}
