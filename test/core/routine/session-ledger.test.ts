import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLedger } from '../../../main/core/routine/session-ledger.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ledgerLines(file = 'ledger-000001.jsonl'): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, file), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('SessionLedger', () => {
  it('writes one line when a session opens and one with its totals when it closes', async () => {
    const clock = new VirtualClock(T0);
    const ledger = await SessionLedger.load({ dir, clock });
    const opened = await ledger.open();
    ledger.recordCycle();
    ledger.recordRun('succeeded');
    ledger.recordRun('succeeded');
    ledger.recordRun('failed');
    await clock.advance(90_000);
    const closed = await ledger.close('stopped');

    expect(closed).toMatchObject({
      sessionId: opened.sessionId,
      startedAt: T0,
      endedAt: T0 + 90_000,
      durationMs: 90_000,
      endReason: 'stopped',
      cycles: 1,
      counts: { succeeded: 2, failed: 1 },
      summary: '1 cycle(s); 2 succeeded, 1 failed; 90.0 s; ended: stopped',
    });
    expect(await ledgerLines()).toEqual([
      { type: 'open', sessionId: opened.sessionId, startedAt: T0 },
      {
        type: 'end',
        sessionId: opened.sessionId,
        endedAt: T0 + 90_000,
        reason: 'stopped',
        cycles: 1,
        counts: { succeeded: 2, failed: 1 },
        durationMs: 90_000,
        summary: closed.summary,
      },
    ]);
  });

  it('shows earlier sessions newest first after a restart, with the open one on top', async () => {
    const clock = new VirtualClock(T0);
    const first = await SessionLedger.load({ dir, clock });
    for (const reason of ['stopped', 'quit']) {
      await first.open();
      await clock.advance(1000);
      await first.close(reason);
    }
    const second = await SessionLedger.load({ dir, clock });
    expect(second.notices).toEqual([]);
    const open = await second.open();
    const page = await second.list();
    expect(page.nextCursor).toBeNull();
    expect(page.sessions.map((s) => s.endReason)).toEqual([null, 'quit', 'stopped']);
    expect(page.sessions[0]?.sessionId).toBe(open.sessionId);
    expect(page.sessions[1]).toMatchObject({
      startedAt: T0 + 1000,
      endedAt: T0 + 2000,
      durationMs: 1000,
    });
  });

  it('closes a session left open by a crash as interrupted, with what it had checkpointed', async () => {
    const clock = new VirtualClock(T0);
    const crashed = await SessionLedger.load({ dir, clock });
    const lost = await crashed.open();
    crashed.recordRun('succeeded', 3);
    crashed.recordCycle(3);
    await clock.advance(60_000);
    await crashed.checkpoint();
    crashed.recordRun('failed'); // never checkpointed: the crash loses it
    await clock.advance(3_600_000);

    const logger = recordingLogger();
    const restarted = await SessionLedger.load({ dir, clock, logger });
    expect(restarted.notices).toMatchObject([{ kind: 'interrupted', sessionId: lost.sessionId }]);
    expect(logger.messages('warn')).toEqual([
      `SessionLedger: session ${lost.sessionId} had no end record; closed it as interrupted.`,
    ]);
    const [session] = (await restarted.list()).sessions;
    expect(session).toMatchObject({
      sessionId: lost.sessionId,
      endReason: 'interrupted',
      endedAt: T0 + 60_000,
      durationMs: 60_000,
      cycles: 3,
      counts: { succeeded: 3 },
    });
    expect((await ledgerLines()).at(-1)).toMatchObject({ type: 'end', reason: 'interrupted' });

    const again = await SessionLedger.load({ dir, clock });
    expect(again.notices).toEqual([]);
  });

  it('tolerates a last line cut short by a crash, reports it and keeps appending cleanly', async () => {
    const clock = new VirtualClock(T0);
    const ledger = await SessionLedger.load({ dir, clock });
    await ledger.open();
    await ledger.close('stopped');
    await appendFile(join(dir, 'ledger-000001.jsonl'), '{"type":"open","sessionId":"ab');

    const logger = recordingLogger();
    const reloaded = await SessionLedger.load({ dir, clock, logger });
    expect(reloaded.notices.map((n) => n.kind)).toEqual(['torn-line']);
    expect(logger.messages('warn')[0]).toContain('was cut short (30 bytes)');
    await reloaded.open();
    await reloaded.close('quit');
    expect((await ledgerLines()).map((l) => l.type)).toEqual(['open', 'end', 'open', 'end']);
    expect((await reloaded.list()).sessions).toHaveLength(2);
  });

  it('keeps a complete last line that only lost its newline, and separates the next one', async () => {
    await writeFile(
      join(dir, 'ledger-000001.jsonl'),
      `{"type":"open","sessionId":"s1","startedAt":${T0}}`,
    );
    const clock = new VirtualClock(T0 + 5000);
    const ledger = await SessionLedger.load({ dir, clock });
    expect(ledger.notices.map((n) => n.kind)).toEqual(['interrupted']);
    expect((await ledgerLines()).map((l) => `${String(l.type)} ${String(l.sessionId)}`)).toEqual([
      'open s1',
      'end s1',
    ]);
  });

  it('moves a garbage ledger aside, keeps it untouched, says so and starts a new one', async () => {
    const garbage = 'this is not\na session ledger\n\u0000\u0001';
    await writeFile(join(dir, 'ledger-000001.jsonl'), garbage);
    const clock = new VirtualClock(T0);
    const logger = recordingLogger();
    const ledger = await SessionLedger.load({ dir, clock, logger });

    const [notice] = ledger.notices;
    expect(notice?.kind).toBe('moved-aside');
    expect(notice?.movedTo).toBe(join(dir, 'ledger-000001.jsonl.corrupt-2026-03-01T09-00-00-000Z'));
    expect(await readFile(notice?.movedTo ?? '', 'utf8')).toBe(garbage);
    expect(logger.messages('warn')[0]).toMatch(
      /has unreadable line\(s\) 1, 2, 3; moved it to .* \(kept\) and started a new ledger\.$/,
    );

    await ledger.open();
    await ledger.close('stopped');
    expect((await ledgerLines()).map((l) => l.type)).toEqual(['open', 'end']);
    expect((await readdir(dir)).sort()).toEqual([
      'ledger-000001.jsonl',
      'ledger-000001.jsonl.corrupt-2026-03-01T09-00-00-000Z',
    ]);
  });

  it('carries the readable sessions of a damaged ledger into the new one', async () => {
    const clock = new VirtualClock(T0);
    const ledger = await SessionLedger.load({ dir, clock });
    for (const reason of ['first', 'second']) {
      await ledger.open();
      await ledger.close(reason);
    }
    const file = join(dir, 'ledger-000001.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.splice(2, 0, '\u0000\u0000\u0000 bad sector');
    const damaged = lines.join('\n');
    await writeFile(file, damaged);

    const reloaded = await SessionLedger.load({ dir, clock });
    expect(reloaded.notices.map((n) => n.kind)).toEqual(['moved-aside']);
    expect(reloaded.notices[0]?.message).toContain(
      'holding the 2 session(s) that could still be read',
    );
    expect(await readFile(reloaded.notices[0]?.movedTo ?? '', 'utf8')).toBe(damaged);
    expect((await reloaded.list()).sessions.map((s) => s.endReason)).toEqual(['second', 'first']);
    expect((await ledgerLines()).map((l) => l.type)).toEqual(['open', 'end', 'open', 'end']);
  });

  it('treats an empty ledger file as a ledger with no sessions', async () => {
    await writeFile(join(dir, 'ledger-000001.jsonl'), '');
    const ledger = await SessionLedger.load({ dir, clock: new VirtualClock(T0) });
    expect(ledger.notices).toEqual([]);
    expect(await ledger.list()).toEqual({ sessions: [], nextCursor: null });
  });

  it('starts a new file once the current one is large and still lists the old sessions', async () => {
    const clock = new VirtualClock(T0);
    const ledger = await SessionLedger.load({ dir, clock, maxFileBytes: 600 });
    const reasons: string[] = [];
    for (let i = 0; i < 7; i++) {
      await ledger.open();
      await clock.advance(1000);
      reasons.push(`stop ${i}`);
      await ledger.close(`stop ${i}`);
    }
    const files = (await readdir(dir)).sort();
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const lines = await ledgerLines(file);
      expect(lines.length % 2).toBe(0); // every session opens and ends in the same file
    }

    const reopened = await SessionLedger.load({ dir, clock, maxFileBytes: 600 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await reopened.list({ limit: 3, cursor });
      expect(page.sessions.length).toBeLessThanOrEqual(3);
      seen.push(...page.sessions.map((s) => s.endReason ?? 'open'));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(reasons.toReversed());
  });

  it('refuses a second open session, and counts no run outside a session', async () => {
    const ledger = await SessionLedger.load({ dir, clock: new VirtualClock(T0) });
    expect(ledger.recordRun('succeeded')).toBe(false);
    await expect(ledger.close('stopped')).rejects.toThrow(
      'SessionLedger: close() needs an open session; call open() first',
    );
    await ledger.open();
    expect(ledger.current()?.counts).toEqual({});
    await expect(ledger.open()).rejects.toThrow(
      /is still open; close\(\) it before opening another/,
    );
    await expect(ledger.list({ cursor: '../etc' })).rejects.toThrow(
      "SessionLedger: cursor '../etc' is not one list() returned",
    );
  });
});
