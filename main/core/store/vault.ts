import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { actionSchema } from '../model/action.js';
import { ChangeJournal } from './change-journal.js';
import { decodeEnvelope, readVaultOrBackup } from './vault-file.js';
import type { VaultEntry, VaultFile } from './vault-file.js';
import {
  foldVaultJournal,
  removeChangeJournalSync,
  VAULT_JOURNAL_HEADER,
  VAULT_JOURNAL_NAME,
  vaultChangeLines,
} from './vault-journal.js';
import type { Action } from '../model/action.js';
import { atomicWrite } from '../fs/atomic-write.js';
import { GroupWriter } from '../fs/group-writer.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { TimeSource } from '../time/clock.js';
import type { Cipher } from './cipher.js';
import { DecryptError } from './cipher.js';
import { PLAINTEXT_BACKEND, PlaintextCipher } from './cipher-plaintext.js';

export type { Cipher } from './cipher.js';
export { AesGcmCipher, AES_GCM_BACKEND, generateKeyText } from './cipher-aes-gcm.js';
export type { AesGcmCipherOpenOptions } from './cipher-aes-gcm.js';
export { PlaintextCipher, PLAINTEXT_BACKEND } from './cipher-plaintext.js';
export { maskAction, mergeActionUpdate } from './vault-secrets.js';
export type { ActionFieldIssue } from './vault-secrets.js';

export interface VaultOptions {
  /** The data dir; the vault is <dataDir>/vault.json (and vault.json.bak, its last good copy). */
  dataDir: string;
  cipher: Cipher;
  logger?: Logger;
  /** For entry timestamps and corrupt-file names. Default Date.now. */
  clock?: TimeSource;
  /** Rewrite vault.json once its change journal passes this many bytes. Default 1 MiB. */
  compactBytes?: number;
}

/**
 * `reason` follows "'<task name>' is locked: " in what the user reads: a clause about the
 * task's action with what to do, no module name, no task id and no final period.
 */
export type VaultGetResult =
  | { ok: true; action: Action }
  | { ok: false; locked: true; reason: string }
  | { ok: false; locked: false; reason: string };

export interface VaultStatusReport {
  backend: string;
  secure: boolean;
  /** The cipher's warning, or a summary of locked tasks; null when all is well. */
  warning: string | null;
  entries: number;
  /** Ids of tasks whose action cannot be decrypted. */
  locked: string[];
  /** Things that happened while loading (a corrupt file moved aside, a backup used, entries re-encrypted), as sentences for the user. */
  notices: string[];
}

/**
 * Every task's action, encrypted, in <dataDir>/vault.json. An entry that cannot be decrypted
 * (key lost, backend changed, tampered) makes its task 'locked' and is kept byte for byte: only an
 * explicit put (the user re-entering the action) or delete replaces it. Operations run one at a
 * time, so concurrent puts never lose each other's writes.
 */
export class Vault {
  readonly #path: string;
  readonly #backupPath: string;
  readonly #cipher: Cipher;
  readonly #logger: Logger;
  readonly #clock: TimeSource;
  #file: VaultFile = { version: 1, entries: {} };
  readonly #actions = new Map<string, Action>();
  readonly #locked = new Map<string, string>();
  readonly #notices: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #loaded = false;
  #backup: Promise<void> = Promise.resolve();
  /** What vault.json and its journal hold on disk: the entries less the changes not saved yet. */
  #durable: Record<string, VaultEntry> = {};
  /** Tasks whose entry changed since the last group was taken for saving. */
  readonly #dirty = new Set<string>();
  /** The group being appended, applied to #durable once it is on disk. */
  #inFlight: [string, VaultEntry | null][] = [];
  readonly #changes: ChangeJournal;
  readonly #compactBytes: number;
  /** Each group of puts and deletes is a few lines appended to the journal, one fsync for all. */
  readonly #saves = new GroupWriter<string>({
    current: () => this.#takeChanges(),
    write: (lines) => this.#appendChanges(lines),
  });

  constructor(options: VaultOptions) {
    this.#path = join(options.dataDir, 'vault.json');
    this.#backupPath = `${this.#path}.bak`;
    this.#cipher = options.cipher;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#compactBytes = options.compactBytes ?? 2 ** 20;
    this.#changes = new ChangeJournal({
      path: join(dirname(this.#path), VAULT_JOURNAL_NAME),
      header: VAULT_JOURNAL_HEADER,
    });
  }

  get path(): string {
    return this.#path;
  }

  /** Reads vault.json and decrypts every entry, so locked tasks are known up front. */
  load(): Promise<VaultStatusReport> {
    return this.#exclusive(async () => {
      await this.#removeLeftoverTempFiles();
      this.#file = await readVaultOrBackup({
        path: this.#path,
        backupPath: this.#backupPath,
        nowMs: this.#clock.now(),
        notice: (text) => this.#notice(text),
      });
      const journaled = foldVaultJournal(
        this.#file.entries,
        this.#changes.path,
        this.#clock.now(),
        this.#logger,
      );
      this.#actions.clear();
      this.#locked.clear();
      let rewrite = journaled > 0;
      for (const [taskId, entry] of Object.entries(this.#file.entries)) {
        rewrite = (await this.#open(taskId, entry)) || rewrite;
      }
      if (rewrite) await this.#save();
      removeChangeJournalSync(this.#changes.path);
      this.#durable = { ...this.#file.entries };
      this.#loaded = true;
      if (this.#locked.size > 0) {
        this.#logger.warn(
          `Vault: ${this.#locked.size} task action(s) are locked: ${[...this.#locked.keys()].join(', ')}`,
        );
      }
      return this.#status();
    });
  }

  /**
   * Encrypts and stores a task's action, replacing any entry (locked or not) for that task.
   * Resolves once vault.json holding it is on disk; puts made together share one write.
   */
  put(taskId: string, action: Action): Promise<void> {
    return this.#change('put', taskId, async () => {
      const parsed = actionSchema.safeParse(action);
      if (!parsed.success) {
        throw new Error(
          `Vault: the action for task ${taskId} is invalid: ${z.prettifyError(parsed.error)}`,
        );
      }
      const cipherText = await this.#cipher.encrypt(
        JSON.stringify({ taskId, action: parsed.data }),
      );
      const entry = { backend: this.#cipher.backend, cipherText, updatedAt: this.#clock.now() };
      return { entry, action: parsed.data };
    }).then(() => undefined);
  }

  /** The decrypted action, or why there is none. */
  async get(taskId: string): Promise<VaultGetResult> {
    await this.#queue.catch(() => undefined);
    const action = this.#actions.get(taskId);
    if (action !== undefined) return { ok: true, action };
    const reason = this.#locked.get(taskId);
    if (reason !== undefined) return { ok: false, locked: true, reason };
    return {
      ok: false,
      locked: false,
      reason: 'no action is saved for it; edit the task and enter its action',
    };
  }

  /** Removes a task's entry. True when there was one. */
  delete(taskId: string): Promise<boolean> {
    return this.#change('delete', taskId, async () => null);
  }

  /**
   * Applies one entry's change in memory (in turn with the others), has it written with the
   * next group, and waits for that write. When it fails, the entry is put back as it was,
   * unless a later change replaced it meanwhile, and the error is passed on.
   */
  async #change(
    operation: string,
    taskId: string,
    next: () => Promise<{ entry: VaultEntry; action: Action } | null>,
  ): Promise<boolean> {
    const applied = await this.#exclusive(async () => {
      this.#requireLoaded(operation);
      const prev = {
        entry: this.#file.entries[taskId],
        action: this.#actions.get(taskId),
        locked: this.#locked.get(taskId),
      };
      const change = await next();
      if (!change && !prev.entry) return null;
      if (change) {
        this.#file.entries[taskId] = change.entry;
        this.#actions.set(taskId, change.action);
      } else {
        delete this.#file.entries[taskId];
        this.#actions.delete(taskId);
      }
      this.#locked.delete(taskId);
      this.#dirty.add(taskId);
      this.#saves.touch();
      // Waited for right here, so a failing write cannot slip in between.
      const saving = this.#saves.saved();
      saving.catch(() => undefined);
      return { prev, entry: change?.entry, saving };
    });
    if (!applied) return false;
    try {
      await applied.saving;
    } catch (error) {
      await this.#exclusive(async () => {
        if (this.#file.entries[taskId] !== applied.entry) return;
        const { entry, action, locked } = applied.prev;
        if (entry) this.#file.entries[taskId] = entry;
        else delete this.#file.entries[taskId];
        if (action) this.#actions.set(taskId, action);
        else this.#actions.delete(taskId);
        if (locked !== undefined) this.#locked.set(taskId, locked);
      });
      throw error;
    }
    return true;
  }

  /** Task ids with an entry, locked or not. */
  taskIds(): string[] {
    return Object.keys(this.#file.entries);
  }

  status(): VaultStatusReport {
    return this.#status();
  }

  #status(): VaultStatusReport {
    const locked = [...this.#locked.keys()];
    const lockedText =
      locked.length > 0
        ? `${locked.length} task action(s) cannot be decrypted and are locked; re-enter them or restore the key that wrote them.`
        : null;
    const warning = [this.#cipher.warning ?? null, lockedText].filter((w) => w !== null).join(' ');
    return {
      backend: this.#cipher.backend,
      secure: this.#cipher.secure,
      warning: warning === '' ? null : warning,
      entries: Object.keys(this.#file.entries).length,
      locked,
      notices: [...this.#notices],
    };
  }

  /** Decrypts one entry into the maps. True when the entry was re-encrypted and the file needs saving. */
  async #open(taskId: string, entry: VaultEntry): Promise<boolean> {
    // Upgrading from test mode is safe and expected; the reverse would be a silent downgrade.
    const upgrade =
      entry.backend === PLAINTEXT_BACKEND &&
      this.#cipher.backend !== PLAINTEXT_BACKEND &&
      this.#cipher.secure;
    if (entry.backend !== this.#cipher.backend && !upgrade) {
      this.#locked.set(
        taskId,
        `its action was saved with '${entry.backend}' encryption, but the vault now uses '${this.#cipher.backend}'; switch back to read it, or re-enter the action`,
      );
      return false;
    }
    let plain: string;
    let reEncrypt = upgrade;
    try {
      plain = await (upgrade ? new PlaintextCipher() : this.#cipher).decrypt(entry.cipherText);
      if (!upgrade && this.#cipher.needsReEncrypt?.() === true) reEncrypt = true;
    } catch (error) {
      this.#logger.warn(`Vault: task ${taskId} is locked`, error);
      const detail =
        error instanceof DecryptError
          ? error.detail
          : 'the stored text could not be decrypted. Re-enter the action.';
      this.#locked.set(taskId, `its action cannot be decrypted: ${detail.replace(/\.$/, '')}`);
      return false;
    }
    const action = decodeEnvelope(taskId, plain);
    if (typeof action === 'string') {
      this.#locked.set(taskId, action);
      return false;
    }
    this.#actions.set(taskId, action);
    if (!reEncrypt) return false;
    const cipherText = await this.#cipher.encrypt(plain);
    this.#file.entries[taskId] = {
      ...entry,
      backend: this.#cipher.backend,
      cipherText,
      updatedAt: this.#clock.now(),
    };
    // One notice for all entries re-encrypted the same way: the user needs to know it happened.
    const notice = upgrade
      ? `Task actions saved by test mode in plain text are now encrypted with ${this.#cipher.backend}.`
      : `Task actions were re-encrypted with the current ${this.#cipher.backend} key.`;
    if (!this.#notices.includes(notice)) this.#notices.push(notice);
    return true;
  }

  /**
   * A crash mid-save leaves `.vault.json.<hex>.tmp` (or the backup's) beside the vault. It never
   * holds the only copy, since the rename that would publish it did not happen, so it goes.
   */
  async #removeLeftoverTempFiles(): Promise<void> {
    const dir = dirname(this.#path);
    const names = await readdir(dir).catch(() => [] as string[]);
    const leftovers = names.filter((n) => /^\.vault\.json(?:\.bak)?\.[0-9a-f]{12}\.tmp$/.test(n));
    for (const name of leftovers) await rm(join(dir, name), { force: true });
    if (leftovers.length > 0)
      this.#logger.info(
        `Vault: removed ${leftovers.length} temp file(s) left by an interrupted save: ${leftovers.join(', ')}`,
      );
  }

  #notice(text: string): void {
    this.#notices.push(text);
    this.#logger.warn(text);
  }

  /** The journal lines for every entry changed since the last group. */
  #takeChanges(): string {
    this.#inFlight = [...this.#dirty].map((id) => [id, this.#file.entries[id] ?? null]);
    this.#dirty.clear();
    return vaultChangeLines(this.#inFlight);
  }

  /** Appends a group (fsync'd); rewrites vault.json once the journal is long. */
  async #appendChanges(lines: string): Promise<void> {
    await this.#changes.append(lines);
    for (const [id, entry] of this.#inFlight) {
      if (entry) this.#durable[id] = entry;
      else delete this.#durable[id];
    }
    this.#inFlight = [];
    if (this.#changes.bytes > this.#compactBytes) await this.#compact();
  }

  /** vault.json with everything durable, then the journal emptied. A failure loses nothing: the journal still holds it. */
  async #compact(): Promise<void> {
    try {
      await this.#save({ ...this.#file, entries: { ...this.#durable } });
      await this.#changes.clear();
    } catch (error) {
      this.#logger.warn(
        `Vault: could not rewrite ${this.#path}; the changes stay in ${this.#changes.path}`,
        error,
      );
    }
  }

  /**
   * Writes vault.json atomically and private to the user, then the same text as vault.json.bak:
   * a copy (an editor saving in place would change a hard link too) that is not what makes the
   * change durable, so it has no fsync of its own and the next save waits for it.
   */
  async #save(next: VaultFile = this.#file): Promise<void> {
    const text = JSON.stringify(next, null, 2);
    await this.#backup;
    await atomicWrite(this.#path, text, { mode: 0o600 });
    this.#backup = atomicWrite(this.#backupPath, text, { mode: 0o600, durable: false }).catch(
      (error: unknown) =>
        this.#logger.warn(`Vault: could not update the backup ${this.#backupPath}`, error),
    );
  }

  /** Waits for the saves in flight and puts every change into vault.json. */
  async close(): Promise<void> {
    await this.#saves.idle();
    if (this.#changes.bytes > 0) await this.#compact();
    await this.#backup;
  }

  #requireLoaded(operation: string): void {
    if (!this.#loaded)
      throw new Error(`Vault: ${operation} before load(); call and await vault.load() first`);
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.catch(() => undefined).then(work);
    this.#queue = result;
    return result;
  }
}
