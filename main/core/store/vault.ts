import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { actionSchema } from '../model/action.js';
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

/** One stored entry. Unknown fields are kept, so a newer version's entries survive a round trip. */
const vaultEntry = z.looseObject({
  backend: z.string(),
  cipherText: z.string(),
  updatedAt: z.number(),
});
const vaultFile = z.looseObject({
  version: z.literal(1),
  entries: z.record(z.string(), vaultEntry),
});
type VaultEntry = z.output<typeof vaultEntry>;
type VaultFile = z.output<typeof vaultFile>;

/** What is encrypted: the task id travels inside, so an entry copied onto another task is refused. */
const envelope = z.object({ taskId: z.string(), action: z.unknown() });

export interface VaultOptions {
  /** The data dir; the vault is <dataDir>/vault.json (and vault.json.bak, its last good copy). */
  dataDir: string;
  cipher: Cipher;
  logger?: Logger;
  /** For entry timestamps and corrupt-file names. Default Date.now. */
  clock?: TimeSource;
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
  /** vault.json and its backup, written once for every group of puts and deletes. */
  readonly #saves = new GroupWriter<VaultFile>({
    current: () => this.#file,
    write: (file) => this.#save(file),
  });

  constructor(options: VaultOptions) {
    this.#path = join(options.dataDir, 'vault.json');
    this.#backupPath = `${this.#path}.bak`;
    this.#cipher = options.cipher;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  get path(): string {
    return this.#path;
  }

  /** Reads vault.json and decrypts every entry, so locked tasks are known up front. */
  load(): Promise<VaultStatusReport> {
    return this.#exclusive(async () => {
      await this.#removeLeftoverTempFiles();
      this.#file = await this.#readFile();
      this.#actions.clear();
      this.#locked.clear();
      let rewrite = false;
      for (const [taskId, entry] of Object.entries(this.#file.entries)) {
        rewrite = (await this.#open(taskId, entry)) || rewrite;
      }
      if (rewrite) await this.#save();
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

  async #readFile(): Promise<VaultFile> {
    const main = await readVaultFile(this.#path);
    if (main.kind === 'ok') return main.file;
    if (main.kind === 'missing') return { version: 1, entries: {} };
    // A vault that does not parse is never reset in place: it is kept for the user, and the last good copy used.
    const aside = `${this.#path}.corrupt-${new Date(this.#clock.now()).toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.#path, aside);
    const backup = await readVaultFile(this.#backupPath);
    if (backup.kind === 'ok') {
      this.#notice(
        `vault.json could not be read (${main.error}); it was moved to ${aside} and the last good copy (vault.json.bak) is used.`,
      );
      await atomicWrite(this.#path, JSON.stringify(backup.file, null, 2), { mode: 0o600 });
      return backup.file;
    }
    this.#notice(
      `vault.json could not be read (${main.error}) and there is no usable backup; it was moved to ${aside}. Tasks' actions must be re-entered, or restore that file.`,
    );
    return { version: 1, entries: {} };
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

  /**
   * Writes vault.json atomically and private to the user, then the same text as vault.json.bak:
   * a copy (an editor saving in place would change a hard link too) that is not what makes the
   * change durable, so it has no fsync of its own and the next save waits for it.
   */
  async #save(next: VaultFile = this.#file): Promise<void> {
    const text = JSON.stringify(next, null, 2);
    await this.#backup;
    await atomicWrite(this.#path, text, { mode: 0o600 });
    this.#file = next;
    this.#backup = atomicWrite(this.#backupPath, text, { mode: 0o600, durable: false }).catch(
      (error: unknown) =>
        this.#logger.warn(`Vault: could not update the backup ${this.#backupPath}`, error),
    );
  }

  /** Resolves once no write (backup included) is running or due. */
  async idle(): Promise<void> {
    await this.#saves.idle();
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

async function readVaultFile(
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
function decodeEnvelope(taskId: string, plain: string): Action | string {
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
