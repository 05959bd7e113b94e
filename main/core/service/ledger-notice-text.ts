import type { LedgerNotice } from '../routine/session-ledger.js';

/** What the window says about a repair the session ledger made while loading. */
export function ledgerNoticeText(notice: LedgerNotice): string {
  switch (notice.kind) {
    case 'interrupted':
      return 'Crontray stopped last time without closing its scheduler session (a crash or a power cut); that session is recorded as interrupted.';
    case 'torn-line':
      return `The last line of the session history (${notice.file}) was cut short, most likely by a crash; that partial line was dropped and the rest kept.`;
    case 'moved-aside':
      return `The session history ${notice.file} had unreadable lines; it was moved to ${notice.movedTo ?? 'a .corrupt file beside it'} (kept) and a new one started with the sessions that could still be read.`;
  }
}
