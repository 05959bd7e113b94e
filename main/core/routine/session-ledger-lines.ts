import { z } from 'zod';
import { runStatus } from '../model/run.js';
import type { RunStatus } from '../model/run.js';

/** Runs of a session by final status; a missing status means none. */
export type RunCounts = Partial<Record<RunStatus, number>>;

const sessionId = z.string().min(1).max(64);
const count = z.number().int().min(0);
const runCounts = z.partialRecord(runStatus, count);

/** A session started. */
export const openLine = z.object({ type: z.literal('open'), sessionId, startedAt: z.number() });

/** A session's progress so far, so a session cut short by a crash still shows what it did. */
export const progressLine = z.object({
  type: z.literal('progress'),
  sessionId,
  at: z.number(),
  cycles: count,
  counts: runCounts,
});

/** A session ended (by stop, quit or error; or 'interrupted', written on the next start). */
export const endLine = z.object({
  type: z.literal('end'),
  sessionId,
  endedAt: z.number(),
  reason: z.string().max(2000),
  cycles: count,
  counts: runCounts,
  durationMs: z.number().min(0),
  summary: z.string().max(4000),
});

export const ledgerLine = z.discriminatedUnion('type', [openLine, progressLine, endLine]);

export type LedgerLine = z.output<typeof ledgerLine>;

/** One session as the history shows it. */
export interface LedgerSession {
  sessionId: string;
  startedAt: number;
  /** Null while the session is open. */
  endedAt: number | null;
  durationMs: number | null;
  endReason: string | null;
  cycles: number;
  counts: RunCounts;
  summary: string | null;
}

/** What a ledger file holds, read line by line. */
/** A session just opened: no end, no runs yet. */
export function openSession(sessionId: string, startedAt: number): LedgerSession {
  return {
    sessionId,
    startedAt,
    endedAt: null,
    durationMs: null,
    endReason: null,
    cycles: 0,
    counts: {},
    summary: null,
  };
}

export interface ParsedLedger {
  /** Sessions in the order they were opened. */
  sessions: LedgerSession[];
  /** 1-based numbers of complete lines that are not ledger lines. */
  badLines: number[];
  /** Bytes of a last line cut short by a crash mid-append (0 when the file ends cleanly). */
  tornBytes: number;
  /** Bytes up to the end of the last complete line. */
  goodBytes: number;
  /** The text of every line that is a ledger line, in order (to carry them over from a damaged file). */
  goodLines: string[];
  /** The last time each open session was known to be alive (its open or latest progress line). */
  lastSeen: Map<string, number>;
}

function parseLine(text: string): LedgerLine | null {
  try {
    const result = ledgerLine.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/**
 * Reads a ledger file's bytes. Every complete line must be a ledger line; a last line without
 * its newline is a torn append if it still looks like the start of one (our lines always start
 * with '{'), and is otherwise counted as bad.
 */
export function parseLedger(bytes: Buffer): ParsedLedger {
  const lastNewline = bytes.lastIndexOf(0x0a);
  const goodBytes = lastNewline + 1;
  const complete = bytes.subarray(0, goodBytes).toString('utf8').split('\n');
  complete.pop();
  const tail = bytes.subarray(goodBytes).toString('utf8');

  const sessions: LedgerSession[] = [];
  const byId = new Map<string, LedgerSession>();
  const lastSeen = new Map<string, number>();
  const badLines: number[] = [];
  const goodLines: string[] = [];
  let tornBytes = 0;

  const apply = (line: LedgerLine): void => {
    if (line.type === 'open') {
      const session = openSession(line.sessionId, line.startedAt);
      sessions.push(session);
      byId.set(line.sessionId, session);
      lastSeen.set(line.sessionId, line.startedAt);
      return;
    }
    const session = byId.get(line.sessionId);
    if (!session) return; // its open line went with an older file moved aside: nothing to attach to
    session.cycles = line.cycles;
    session.counts = line.counts;
    if (line.type === 'progress') {
      lastSeen.set(line.sessionId, line.at);
      return;
    }
    session.endedAt = line.endedAt;
    session.durationMs = line.durationMs;
    session.endReason = line.reason;
    session.summary = line.summary;
    lastSeen.delete(line.sessionId);
  };

  complete.forEach((text, index) => {
    if (text.trim() === '') return;
    const line = parseLine(text);
    if (line) {
      apply(line);
      goodLines.push(text);
    } else badLines.push(index + 1);
  });
  if (tail !== '') {
    const line = parseLine(tail);
    if (line) {
      apply(line);
      goodLines.push(tail);
    } else if (tail.startsWith('{')) tornBytes = bytes.length - goodBytes;
    else badLines.push(complete.length + 1);
  }
  return { sessions, badLines, goodLines, tornBytes, goodBytes, lastSeen };
}
