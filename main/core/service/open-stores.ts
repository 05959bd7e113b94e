import { join } from 'node:path';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { TaskStore } from '../store/task-store.js';
import { Vault, AesGcmCipher, PlaintextCipher } from '../store/vault.js';
import type { Cipher } from '../store/vault.js';
import { SessionLedger } from '../routine/session-ledger.js';
import type { Notice } from './run-pipeline.js';
import { ledgerNoticeText } from './ledger-notice-text.js';

export interface OpenStoresOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  testMode: boolean;
  /** Default: plaintext in test mode, else AES-256-GCM with a key file. */
  cipher: Cipher | undefined;
}

/** config.json, the vault and the session ledger, each saying what it had to repair. */
export async function openStores(
  options: OpenStoresOptions,
  notice: Notice,
): Promise<{ cipher: Cipher; store: TaskStore; vault: Vault; ledger: SessionLedger }> {
  const { dataDir, logger, clock } = options;
  const store = new TaskStore({ dataDir, clock, logger });
  if (store.journalRecovery) {
    const r = store.journalRecovery;
    notice(
      'warning',
      `Task bookkeeping in ${r.file} could not all be read (${r.reason}). It was kept as ${r.movedTo}; the readable lines were used, and missed runs are worked out from the run history.`,
    );
  }
  if (store.recovery) {
    const r = store.recovery;
    notice(
      'warning',
      `config.json could not be used (${r.reason}). It was kept as ${r.movedTo ?? 'is'}; ${r.restoredFrom ? `tasks and settings were restored from ${r.restoredFrom}` : 'Crontray started with no tasks'}.`,
    );
  }
  const cipher =
    options.cipher ??
    (options.testMode ? new PlaintextCipher() : await AesGcmCipher.open({ dataDir }));
  const vault = new Vault({ dataDir, cipher, logger, clock });
  const vaultReport = await vault.load();
  for (const message of vaultReport.notices) notice('warning', message);
  // An insecure vault is not a one-off notice: scheduler:status carries it, and the window and
  // the tray show it for as long as it lasts.
  if (!vaultReport.secure && vaultReport.warning) logger.warn(vaultReport.warning);

  const ledger = await SessionLedger.load({ dir: join(dataDir, 'sessions'), clock, logger });
  for (const n of ledger.notices)
    notice(n.kind === 'interrupted' ? 'info' : 'warning', ledgerNoticeText(n));
  return { store, vault, ledger, cipher };
}
