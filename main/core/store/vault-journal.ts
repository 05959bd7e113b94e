import type { Logger } from '../log/logger.js';
import { readChangeJournal, removeChangeJournalSync } from './change-journal.js';
import { vaultEntry } from './vault-file.js';
import type { VaultEntry } from './vault-file.js';

/** vault.json's change journal, beside it in the data folder. */
export const VAULT_JOURNAL_NAME = 'vault-changes.jsonl';

/** The first line of a new journal. */
export const VAULT_JOURNAL_HEADER = { format: 'crontray-vault-changes', version: 1 };

/** The journal lines for a group of changes: each entry as encrypted (never the action itself), or its deletion. */
export function vaultChangeLines(changes: readonly [string, VaultEntry | null][]): string {
  let text = '';
  for (const [id, entry] of changes)
    text += `${JSON.stringify(entry ? { id, entry } : { id, deleted: true })}\n`;
  return text;
}

/**
 * Opening: applies the changes a journal holds (saved, but not yet in vault.json when the app
 * stopped or was killed) to the entries read from vault.json. Replaying a change vault.json
 * already holds changes nothing. Returns how many were applied; the caller rewrites vault.json
 * and then removes the journal with removeChangeJournalSync().
 */
export function foldVaultJournal(
  entries: Record<string, VaultEntry>,
  journalPath: string,
  nowMs: number,
  logger: Logger,
): number {
  const journal = readChangeJournal(journalPath, nowMs);
  if (journal.reason !== null) {
    logger.warn(
      `Vault: ${journalPath} ${journal.reason}; it was moved to ${journal.movedTo} (kept), and the changes before that line were used`,
    );
  }
  const [header, ...lines] = journal.lines;
  if ((header as { format?: unknown } | undefined)?.format !== VAULT_JOURNAL_HEADER.format) {
    if (journal.lines.length > 0)
      logger.warn(`Vault: ${journalPath} does not start with its format line; it was ignored`);
    return 0;
  }
  let applied = 0;
  for (const line of lines) {
    const { id, entry, deleted } = (line ?? {}) as {
      id?: unknown;
      entry?: unknown;
      deleted?: unknown;
    };
    if (typeof id !== 'string') continue;
    const parsed = vaultEntry.safeParse(entry);
    if (parsed.success) entries[id] = parsed.data;
    else if (deleted === true) delete entries[id];
    else continue;
    applied++;
  }
  return applied;
}

export { removeChangeJournalSync };
