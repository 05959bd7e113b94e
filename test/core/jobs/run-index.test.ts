import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { entryFor, RunIndex } from '../../../main/core/jobs/run-index.js';
import type { IndexEntry, RunFilter } from '../../../main/core/jobs/run-index.js';
import type { RunSummary } from '../../../main/core/jobs/run-summary.js';

const T0 = Date.UTC(2026, 0, 10);

function summary(
  runId: string,
  name: string,
  at: number,
  status: RunSummary['status'],
): RunSummary {
  return {
    runId,
    taskId: `task-${name}`,
    project: 'home',
    group: 'g',
    name,
    sessionId: null,
    status,
    trigger: 'schedule',
    scheduledFor: at,
    startedAt: at,
    endedAt: at,
    heartbeatAt: null,
    attempt: 1,
    firstRunId: null,
    exitCode: null,
    httpStatus: null,
    error: null,
    fromCache: false,
    durationMs: 0,
  };
}

function entry(runId: string, name: string, at: number, status: RunSummary['status']): IndexEntry {
  return entryFor(`home/g/${name}/${runId}.json`, summary(runId, name, at, status), 0);
}

/** What a query must return: every match, newest first, equal times by key. */
function expected(entries: Map<string, IndexEntry>, filter: RunFilter): string[] {
  return [...entries.values()]
    .filter(
      (e) =>
        (filter.name === undefined || e.summary.name === filter.name) &&
        (filter.status === undefined || e.summary.status === filter.status) &&
        (filter.from === undefined || e.at >= filter.from) &&
        (filter.to === undefined || e.at <= filter.to),
    )
    .sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((e) => e.key);
}

function allPages(index: RunIndex, filter: RunFilter): { keys: string[]; totals: number[] } {
  const keys: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  // A cursor that does not move on would page forever; more pages than runs is a failure.
  for (let pages = 0; pages <= index.size + 1; pages++) {
    const page = index.query({ ...filter, ...(cursor === undefined ? {} : { cursor }) });
    totals.push(page.total);
    for (const s of page.items) keys.push(`${s.project}/${s.group}/${s.name}/${s.runId}.json`);
    if (page.nextCursor === null) return { keys, totals };
    cursor = page.nextCursor;
  }
  throw new Error('RunIndex test: paging did not end');
}

/**
 * Run ids as the app makes them (lowercase UUIDs, kept as bytes) among others kept as they are:
 * ones that differ from a UUID in one character (9 against a), in case, or by being a prefix of
 * one or one longer, so that both kinds meet in one folder's id order.
 */
const UUID_A = '0a9f3c2e-5b7d-4e1f-8c6a-2d4b9e0f1a3c';
const RUN_IDS = [
  UUID_A,
  '0a9f3c2e-5b7d-4e1f-8c6a-2d4b9e0f1a3d',
  '0a9f3c2e-5b7d-4e1f-8c6a-2d4b9e0f1a39',
  '0a9f3c2e-5b7d-4e1f-9c6a-2d4b9e0f1a3c',
  '0a9f3c2e-5b7d-4e1f-ac6a-2d4b9e0f1a3c',
  '00000000-0000-4000-8000-000000000000',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
  UUID_A.toUpperCase(),
  UUID_A.slice(0, 13),
  `${UUID_A}0`,
  UUID_A.replaceAll('-', '_'),
  '0a9f3c2e',
  '0a9f3c2f',
  '0a9f3c2e-5b7d-4e1f-8c6a-2d4b9e0f1a3',
  'zzz',
];
const runIdOf = (n: number) => RUN_IDS[n] ?? `r${n}`;

const op = fc.record({
  runId: fc.integer({ min: 0, max: 40 }).map(runIdOf),
  name: fc.constantFrom('a', 'b', 'c'),
  // Few distinct times, so many runs share an instant and the key decides their order.
  offset: fc.integer({ min: 0, max: 6 }),
  status: fc.constantFrom('running', 'succeeded', 'failed'),
  remove: fc.boolean(),
});

describe('RunIndex', () => {
  it('pages through exactly the matching runs, newest first, whatever order they arrived in', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 80 }),
        fc.boolean(),
        fc.record({
          name: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
          status: fc.option(
            fc.constantFrom('running', 'succeeded') as fc.Arbitrary<RunSummary['status']>,
            {
              nil: undefined,
            },
          ),
          from: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
          to: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
          limit: fc.integer({ min: 1, max: 7 }),
        }),
        (ops, asOneBatch, f) => {
          const index = new RunIndex();
          const model = new Map<string, IndexEntry>();
          const upserts: IndexEntry[] = [];
          for (const o of ops) {
            const e = entry(o.runId, o.name, T0 + o.offset, o.status);
            if (o.remove) {
              model.delete(e.key);
              if (!asOneBatch) index.apply([], [e.key]);
            } else {
              model.set(e.key, e);
              if (!asOneBatch) index.apply([e], []);
            }
          }
          if (asOneBatch) {
            upserts.push(...model.values());
            // Removals of unknown keys push the batch past the bulk threshold, so the batch path
            // (one sort) is the one exercised.
            const unknown = Array.from({ length: 520 }, (_, i) => `home/g/z/f${i}.json`);
            index.apply(upserts, unknown);
          }
          const filter: RunFilter = {
            limit: f.limit,
            ...(f.name === undefined ? {} : { name: f.name }),
            ...(f.status === undefined ? {} : { status: f.status }),
            ...(f.from === undefined ? {} : { from: T0 + f.from }),
            ...(f.to === undefined ? {} : { to: T0 + f.to }),
          };
          const want = expected(model, filter);
          const got = allPages(index, filter);
          expect(got.keys).toEqual(want);
          expect(new Set(got.totals)).toEqual(new Set([want.length]));
          expect([...index.newest()].map((e) => e.key)).toEqual(expected(model, {}));
          expect(index.size).toBe(model.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a run that moved from running to succeeded in one place, under its final status', () => {
    const index = new RunIndex();
    for (let i = 0; i < 5; i++) index.apply([entry(`r${i}`, 'a', T0 + i, 'succeeded')], []);
    index.apply([entry('r9', 'a', T0 + 2, 'running')], []);
    index.apply([entry('r9', 'a', T0 + 2, 'succeeded')], []);
    const page = index.query({ status: 'succeeded' });
    expect(page.total).toBe(6);
    expect(page.items.filter((s) => s.runId === 'r9')).toHaveLength(1);
    expect(index.query({ status: 'running' }).total).toBe(0);
  });

  it('still finds, pages and counts every remaining run after thousands were removed one by one', () => {
    const index = new RunIndex();
    const names = ['a', 'b', 'c'];
    for (let i = 0; i < 6000; i++)
      index.apply([entry(`r${i}`, names[i % 3]!, T0 + Math.floor(i / 2), 'succeeded')], []);
    // One at a time, as retention and deletes do: enough to make the index reclaim the rows.
    for (let i = 0; i < 6000; i++)
      if (i % 5 !== 0) index.apply([], [`home/g/${names[i % 3]}/r${i}.json`]);
    index.apply([entry('r5', 'c', T0 + 9999, 'failed')], []);
    expect(index.size).toBe(1200);
    expect(index.get('home/g/c/r5.json')?.status).toBe('failed');
    expect(index.get('home/g/b/r7.json')).toBeUndefined();
    expect(index.get('home/g/a/r3000.json')?.runId).toBe('r3000');
    const { keys, totals } = allPages(index, { name: 'a', limit: 7 });
    expect(keys).toEqual(
      expected(new Map([...index.newest()].map((e) => [e.key, e])), { name: 'a' }),
    );
    expect(totals[0]).toBe(400);
    expect(index.query({ limit: 1 }).items[0]?.runId).toBe('r5');
  });

  it('finds every run by its id, UUID or not, also after thousands of removals renumbered the rows', () => {
    const index = new RunIndex();
    const ids = [
      ...RUN_IDS,
      ...Array.from({ length: 6000 }, (_, i) =>
        i % 2 ? `r${i}` : `${i.toString(16).padStart(8, '0')}-1111-4111-8111-111111111111`,
      ),
    ];
    index.apply(
      ids.map((id, i) => entry(id, 'a', T0 + i, 'succeeded')),
      [],
    );
    for (let i = RUN_IDS.length; i < ids.length; i++) index.apply([], [`home/g/a/${ids[i]}.json`]);
    index.apply([entry('r5', 'a', T0, 'failed')], []);
    expect(index.runIdsOf('home/g/a')).toEqual([...RUN_IDS, 'r5'].sort());
    for (const id of RUN_IDS) expect(index.get(`home/g/a/${id}.json`)?.runId).toBe(id);
    expect(index.has(`home/g/a/${UUID_A.slice(0, 35)}e.json`)).toBe(false);
    expect(index.query({ limit: 3 }).items.map((r) => r.runId)).toEqual(
      [...RUN_IDS].reverse().slice(0, 3),
    );
  });

  it('keeps every run apart past 65,536 tasks and sessions', () => {
    const index = new RunIndex();
    const n = 70_000;
    const run = (i: number) => ({
      ...summary(`r${i}`, `t${i}`, T0 + i, 'failed'),
      sessionId: `s${i}`,
      error: `e${i}`,
    });
    index.apply(
      Array.from({ length: n }, (_, i) => entryFor(`home/g/t${i}/r${i}.json`, run(i), 0)),
      [],
    );
    for (const i of [0, 1, 65_535, 65_536, 65_537, n - 1])
      expect(index.get(`home/g/t${i}/r${i}.json`)).toEqual(run(i));
    expect(index.query({ name: 't65536' }).items.map((r) => r.runId)).toEqual(['r65536']);
    expect(index.query({ sessionId: 's69999' }).total).toBe(1);
    expect(index.query({ taskId: 'task-t3' }).items.map((r) => r.runId)).toEqual(['r3']);
  });

  it('gives back every time of a run exactly, also fractions, far-apart times and nulls', () => {
    const index = new RunIndex();
    const odd = {
      ...summary('odd', 'a', T0, 'succeeded'),
      scheduledFor: T0 - 90 * 86_400_000,
      startedAt: T0 + 0.25,
      endedAt: null,
      heartbeatAt: T0 + 5,
    };
    const plain = { ...summary('plain', 'a', T0, 'running'), endedAt: null, heartbeatAt: T0 + 7 };
    index.apply([entryFor('home/g/a/odd.json', { ...odd, durationMs: null }, 0)], []);
    index.apply([entryFor('home/g/a/plain.json', { ...plain, durationMs: null }, 0)], []);
    expect(index.get('home/g/a/odd.json')).toEqual({ ...odd, durationMs: null });
    expect(index.get('home/g/a/plain.json')).toEqual({ ...plain, durationMs: null });
  });

  it('gives back the times of short runs exactly also once long runs came among them', () => {
    const index = new RunIndex();
    const run = (id: string, endedAfter: number, scheduledBefore = 3) => ({
      ...summary(id, 'a', T0, 'succeeded'),
      scheduledFor: T0 - scheduledBefore,
      endedAt: T0 + endedAfter,
      heartbeatAt: T0 + endedAfter,
      durationMs: endedAfter,
    });
    // Deltas of exactly -32,768 and -32,767 ms are the markers of null and wide times.
    const runs = [
      run('short', 1_500),
      run('edge', 32_767, 32_766),
      run('marker', 10, 32_768),
      run('marker2', 10, 32_767),
      run('long', 3 * 3_600_000),
      run('after', 40, 32_769),
    ];
    for (const r of runs) index.apply([entryFor(`home/g/a/${r.runId}.json`, r, 0)], []);
    for (const r of runs) expect(index.get(`home/g/a/${r.runId}.json`)).toEqual(r);
  });

  it("gives back each run file's stat exactly as noted, however far its mtime is from the run", () => {
    const index = new RunIndex();
    const at = (i: number) => T0 + i * 1000;
    // A stat's mtime has nanoseconds: the nearest double, as Node gives it.
    const sigs = [
      { mtimeMs: at(0) + 12.345678901, size: 512 },
      { mtimeMs: at(1) - 0.000244140625, size: 0 },
      undefined,
      { mtimeMs: at(3) + 86_400_000 + 0.123456789, size: 2 ** 32 - 1 },
      { mtimeMs: at(4) + 3.999, size: 7 },
    ];
    const keys = sigs.map((_, i) => `home/g/a/r${i}.json`);
    // The far one comes after others were noted, and one is noted again after it.
    index.apply(
      sigs.map((sig, i) => entryFor(keys[i]!, summary(`r${i}`, 'a', at(i), 'succeeded'), 0, sig)),
      [],
    );
    index.setSig(keys[0]!, sigs[0]!);
    sigs.forEach((sig, i) => expect(index.sigOf(keys[i]!)).toEqual(sig));
    // What the run index file keeps: every stat that is known, the folder marked to list again.
    const { runs, partial } = index.stored(['home/g/a'], []);
    const known = sigs.filter((sig) => sig !== undefined);
    expect([...runs.fileMtime]).toEqual(known.map((sig) => sig.mtimeMs));
    expect([...runs.fileSize]).toEqual(known.map((sig) => sig.size));
    expect(partial).toEqual(new Set([0]));
    index.setSig(keys[1]!, null);
    expect(index.sigOf(keys[1]!)).toBeUndefined();
    index.forgetSigs();
    expect(keys.map((k) => index.sigOf(k))).toEqual(sigs.map(() => undefined));
  });

  it('says which attempt chain each run belongs to: its own, a first run, or none on old records', () => {
    const index = new RunIndex();
    const first = { ...summary('first', 'a', T0, 'failed'), firstRunId: 'first' };
    const retry = {
      ...summary('retry', 'a', T0 + 60_000, 'succeeded'),
      trigger: 'retry' as const,
      attempt: 2,
      firstRunId: 'first',
    };
    const old = summary('old', 'a', T0 - 60_000, 'succeeded');
    for (const run of [first, retry, old])
      index.apply([entryFor(`home/g/a/${run.runId}.json`, run, 0)], []);
    expect(index.get('home/g/a/first.json')).toEqual(first);
    expect(index.get('home/g/a/retry.json')).toEqual(retry);
    expect(index.get('home/g/a/old.json')?.firstRunId).toBeNull();
    expect(index.query({ name: 'a' }).items.map((r) => [r.runId, r.firstRunId])).toEqual([
      ['retry', 'first'],
      ['first', 'first'],
      ['old', null],
    ]);
  });
});
