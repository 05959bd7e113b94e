import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Envelope } from '../../main/api/channel.js';
import { channels } from '../../main/api/contract.js';
import type { TaskView } from '../../main/api/contract.js';
import type { CrontrayService } from '../../main/core/service/service.js';
import { hashFiles, makeDataDir, removeDataDir, waitForRuns } from './data-files.js';
import { ok, openService } from './service-fixture.js';
import { envCount, recordFigures } from './figures.js';

const RUNS_PER_CHANNEL = envCount('CRONTRAY_FUZZ_RUNS', 120);

/**
 * Not stored data: logs, an atomic write's temp file caught between write and rename, and the run
 * history's index (jobs/.index/), a cache the service saves after start (on a busy machine, before
 * or after the first hash) and rebuilds from the run files.
 */
const notStoredData = (p: string): boolean =>
  p.startsWith('logs/') || p.endsWith('.tmp') || p.startsWith('jobs/.index/');

/** Text that must never pass as a name, project, group, id or cache name. */
const traversal = fc.constantFrom(
  '../../etc/passwd',
  '..',
  '../x',
  '..\\..\\windows\\system32',
  '/etc/passwd',
  'a/b',
  'C:\\x',
  'x\u0000y',
  '%2e%2e%2fetc',
  '.hidden',
  'ends with dot.',
  '',
);

const hugeString = fc.constantFrom(
  'x'.repeat(70_000),
  '\u2603'.repeat(300_000),
  'a'.repeat(1 << 21),
);

/** Values of the wrong JSON type for any field that wants text, a number or an object. */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 3 }),
  // Keys no schema knows, so an object is never an accidental valid patch.
  fc.dictionary(
    fc.string({ maxLength: 8 }).map((k) => `?${k}`),
    fc.anything(),
    { minKeys: 1, maxKeys: 3 },
  ),
);

const badTimezone = fc.constantFrom(
  'Mars/Olympus_Mons',
  'UTC+99',
  '../../etc/localtime',
  'Europe/../../../etc',
  'Not a zone',
  'x'.repeat(65),
);

const badDate = fc.constantFrom(
  '2026-13-45T99:99:99Z',
  'yesterday',
  'NaN',
  '',
  -1,
  1e20,
  8_640_000_000_000_001,
  1.5,
);

/** `depth` arrays inside each other, as JSON text, so it arrives the way a transport parses it. */
const deeplyNested = fc.integer({ min: 1_000, max: 20_000 }).map((depth) => {
  const value = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown[];
  // fast-check prints a failing value recursively; name it instead of overflowing the stack.
  Object.defineProperty(value, fc.toStringMethod, { value: () => `<${depth} nested arrays>` });
  return value;
});

const anyHostile = fc.oneof(wrongType, traversal, hugeString, badTimezone, badDate, deeplyNested);

/** Keys that must never reach an object's prototype or pass a strict schema. */
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '../x', 'toString');

/** Channels that take no fields: only whole-payload attacks apply to them. */
const FIELDLESS = [
  'app:info',
  'scheduler:status',
  'scheduler:start',
  'scheduler:stop',
  'history:stats',
  'cache:list',
  'vault:status',
  'settings:get',
  'alerts:settings:get',
  'updates:status',
  'updates:check',
  'cluster:get',
];

type Mutation = { path: string[]; values: fc.Arbitrary<unknown> };

/** A base payload that would pass (we never send it) and the fields to break, each with values that can never be valid there. */
interface ChannelCase {
  base: Record<string, unknown>;
  fields: Mutation[];
}

const name = (path: string[]): Mutation => ({
  path,
  values: fc.oneof(traversal, hugeString, wrongType),
});
const id = (path: string[]): Mutation => ({
  path,
  values: fc.oneof(traversal, hugeString, wrongType),
});
const num = (path: string[]): Mutation => ({
  path,
  values: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.string({ maxLength: 5 }),
    fc.constantFrom(-1e15, 1e15, 0.5, Number.MAX_SAFE_INTEGER),
    deeplyNested,
  ),
});

function casesFor(
  taskId: string,
  run: { project: string; group: string; name: string; runId: string },
) {
  const createBase = {
    name: 'fuzzed',
    project: 'p',
    group: 'g',
    timezone: 'Europe/Berlin',
    schedule: { kind: 'once', at: '2027-01-01T00:00:00Z' },
    action: { kind: 'shell', program: 'echo' },
  };
  const cases: Record<string, ChannelCase> = {
    'scheduler:pause': { base: { minutes: 5 }, fields: [num(['minutes'])] },
    'scheduler:until': {
      base: { until: Date.now() + 3600_000 },
      // null is valid (it clears the setting); a past time, a year ahead or a fraction are not.
      fields: [
        {
          path: ['until'],
          values: fc.oneof(
            traversal,
            hugeString,
            fc.boolean(),
            badDate,
            fc.constantFrom(0, Date.now() - 1000, Date.now() + 400 * 24 * 3600_000, 0.5),
            deeplyNested,
          ),
        },
      ],
    },
    'tasks:list': { base: { project: 'p' }, fields: [name(['project']), name(['group'])] },
    'tasks:get': { base: { id: taskId }, fields: [id(['id'])] },
    'tasks:delete': { base: { id: taskId }, fields: [id(['id'])] },
    'tasks:enable': { base: { id: taskId }, fields: [id(['id'])] },
    'tasks:disable': { base: { id: taskId }, fields: [id(['id'])] },
    'tasks:runNow': {
      base: { id: taskId },
      fields: [
        id(['id']),
        {
          path: ['toleranceSeconds'],
          values: fc.oneof(
            wrongType.filter(
              (v) => typeof v !== 'number' || v < 0 || v > 31_622_400 || Number.isNaN(v),
            ),
            badDate.filter((v) => typeof v !== 'number'),
          ),
        },
      ],
    },
    'runs:cancel': { base: { runId: run.runId }, fields: [id(['runId'])] },
    'tasks:create': {
      base: createBase,
      fields: [
        name(['name']),
        name(['project']),
        name(['group']),
        { path: ['timezone'], values: fc.oneof(badTimezone, wrongType) },
        { path: ['schedule', 'at'], values: badDate },
        { path: ['schedule', 'kind'], values: fc.oneof(traversal, wrongType) },
        { path: ['schedule'], values: fc.oneof(wrongType, deeplyNested, hugeString) },
        { path: ['action'], values: fc.oneof(wrongType, traversal, deeplyNested) },
        { path: ['action', 'kind'], values: fc.oneof(traversal, wrongType) },
        { path: ['enabled'], values: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()) },
        num(['priority']),
        num(['timeoutMs']),
      ],
    },
    'tasks:update': {
      base: { id: taskId, patch: { notes: 'n' } },
      fields: [
        id(['id']),
        name(['patch', 'name']),
        name(['patch', 'project']),
        { path: ['patch', 'timezone'], values: badTimezone },
        { path: ['patch', 'schedule'], values: fc.oneof(wrongType, deeplyNested) },
        { path: ['patch'], values: fc.oneof(wrongType, hugeString) },
      ],
    },
    'tasks:preview': {
      base: { schedule: { kind: 'cron', pattern: '* * * * *' } },
      fields: [
        { path: ['schedule', 'kind'], values: fc.oneof(traversal, wrongType) },
        { path: ['schedule', 'pattern'], values: fc.oneof(hugeString, wrongType) },
        { path: ['timezone'], values: badTimezone },
        num(['count']),
      ],
    },
    'history:sessions': { base: {}, fields: [num(['limit'])] },
    'history:runs': {
      base: { limit: 10 },
      fields: [
        { path: ['from'], values: badDate },
        { path: ['to'], values: badDate },
        name(['project']),
        name(['group']),
        id(['taskId']),
        id(['sessionId']),
        { path: ['status'], values: fc.oneof(traversal, wrongType) },
        num(['limit']),
      ],
    },
    'history:search': {
      base: { query: 'error', limit: 10 },
      fields: [
        {
          path: ['query'],
          values: fc.oneof(hugeString, wrongType, fc.constantFrom('', '  ', '!?')),
        },
        { path: ['from'], values: badDate },
        { path: ['to'], values: badDate },
        name(['project']),
        name(['group']),
        id(['taskId']),
        { path: ['status'], values: fc.oneof(traversal, wrongType) },
        num(['limit']),
        num(['offset']),
      ],
    },
    'timeline:range': {
      base: { from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z' },
      fields: [
        { path: ['from'], values: badDate },
        { path: ['to'], values: badDate },
        { path: ['zone'], values: fc.oneof(badTimezone, wrongType) },
      ],
    },
    'history:run': {
      base: { ...run },
      fields: [name(['project']), name(['group']), name(['name']), id(['runId'])],
    },
    'history:delete': {
      base: { ...run },
      fields: [name(['project']), name(['group']), name(['name']), id(['runId'])],
    },
    'cache:clear': {
      base: { name: 'prices.v8' },
      // Inside the cache folder any file name is fair (it just may not exist); leaving it is not.
      fields: [
        {
          path: ['name'],
          values: fc.oneof(
            fc.constantFrom('../../etc/passwd', '..', '../x', '/etc/passwd', 'sub/../../x', '.'),
            hugeString,
            wrongType,
          ),
        },
      ],
    },
    'settings:set': {
      base: { theme: 'dark' },
      fields: [
        { path: ['theme'], values: fc.oneof(traversal, wrongType) },
        num(['globalConcurrency']),
        num(['retention', 'keepLast']),
      ],
    },
    'clock:advance': { base: { ms: 1000 }, fields: [num(['ms'])] },
    'alerts:settings:set': {
      base: { enabled: true },
      fields: [
        {
          path: ['enabled'],
          values: fc.oneof(traversal, hugeString, fc.integer(), fc.constant(null)),
        },
        {
          path: ['channels'],
          values: fc.oneof(traversal, hugeString, fc.integer(), fc.constant(null)),
        },
        {
          path: ['defaultChannels'],
          values: fc.oneof(traversal, hugeString, fc.integer(), fc.constant(null)),
        },
        num(['retentionDays']),
      ],
    },
    'alerts:task:get': { base: { id: taskId }, fields: [id(['id'])] },
    'alerts:task:set': {
      base: { id: taskId, alerts: null },
      fields: [
        id(['id']),
        { path: ['alerts'], values: fc.oneof(traversal, hugeString, fc.integer(), fc.boolean()) },
      ],
    },
    'alerts:incidents': {
      base: { open: true },
      fields: [
        { path: ['open'], values: fc.oneof(traversal, fc.integer(), fc.constant(null)) },
        id(['taskId']),
      ],
    },
    'alerts:history': {
      base: { limit: 10 },
      fields: [num(['limit']), id(['taskId']), id(['incidentId'])],
    },
    'alerts:acknowledge': { base: { id: 'no-such-incident' }, fields: [id(['id'])] },
    'alerts:test': { base: { channelId: 'no-such-channel' }, fields: [id(['channelId'])] },
    'alerts:report': {
      base: { taskId, status: 'succeeded' },
      fields: [
        id(['taskId']),
        { path: ['status'], values: fc.oneof(traversal, wrongType) },
        num(['exitCode']),
        num(['durationMs']),
      ],
    },
    'cluster:set-redis': {
      base: { redisUrl: 'redis://127.0.0.1:6379' },
      fields: [
        {
          path: ['redisUrl'],
          // null is valid (it forgets the URL), so the wrong types here are the others.
          values: fc.oneof(
            traversal,
            hugeString,
            fc.integer(),
            fc.boolean(),
            fc.constantFrom('http://127.0.0.1:6379', 'redis://', 'redis://h:6379/db'),
          ),
        },
      ],
    },
    'transfer:preview': { base: { text: '0 3 * * * echo hi' }, fields: transferFields },
    'transfer:import': {
      base: { text: '0 3 * * * echo hi' },
      fields: [...transferFields, id(['operationId'])],
    },
    'transfer:export': {
      base: { format: 'bundle' },
      fields: [
        { path: ['format'], values: fc.oneof(traversal, wrongType) },
        {
          path: ['taskIds'],
          values: fc.oneof(
            traversal.map((t) => [t]),
            hugeString,
            wrongType,
          ),
        },
        { path: ['passphrase'], values: fc.oneof(fc.constantFrom('', 'short'), wrongType) },
        id(['operationId']),
      ],
    },
  };
  return cases;
}

/** Fields of a crontab or bundle import; text that is not text, or only blanks, is refused. */
const transferFields: Mutation[] = [
  {
    path: ['text'],
    values: fc.oneof(wrongType, fc.constantFrom('', '  \n\t', 'a'.repeat(9 * 1024 * 1024))),
  },
  { path: ['format'], values: fc.oneof(traversal, wrongType) },
  { path: ['passphrase'], values: fc.oneof(fc.constant(''), wrongType) },
  name(['project']),
  name(['group']),
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? { ...next } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** Adds `key` as an own property even for '__proto__', as JSON.parse does with a request body. */
function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): unknown {
  const copy: Record<string, unknown> = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function expectClearError(channel: string, envelope: Envelope<unknown>, payloadNote: string): void {
  expect(envelope.ok, `${channel} accepted ${payloadNote}`).toBe(false);
  if (envelope.ok) return;
  const { code, message, field } = envelope.error;
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThan(2_000);
  expect(message, 'stack trace in an error').not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  expect(code, `${channel}: ${message}`).not.toBe('internal');
  if (code === 'invalid') {
    expect(field, `${channel}: no field named in '${message}'`).toBeTruthy();
    expect(message).toContain(field?.split('.')[0] ?? '');
  }
}

describe('every contract channel under random and hostile payloads', () => {
  let dataDir: string;
  let service: CrontrayService;
  let taskId: string;
  let cases: Record<string, ChannelCase>;
  let before: Record<string, string>;
  let calls = 0;

  beforeAll(async () => {
    dataDir = await makeDataDir('fuzz');
    service = await openService(dataDir, { testMode: true });
    const task = await ok<TaskView>(service, 'tasks:create', {
      name: 'target',
      schedule: { kind: 'cron', pattern: '0 3 * * *' },
      action: { kind: 'shell', program: 'echo', args: ['hi'] },
    });
    taskId = task.id;
    await ok(service, 'tasks:runNow', { id: taskId });
    const [run] = await waitForRuns(dataDir, (runs) => runs.some((r) => r.status === 'succeeded'));
    if (!run) throw new Error('no run record');
    cases = casesFor(taskId, run);
    // Alerts judge the run above on their own queue; advancing the virtual clock waits for them,
    // so their files are settled before the data folder is hashed.
    await ok(service, 'clock:advance', { ms: 1 });
    before = await hashFiles(dataDir, notStoredData);
  });

  afterAll(async () => {
    recordFigures('hostile-input', { channels: channels.length, calls });
    await service.close();
    await removeDataDir(dataDir);
  });

  it('has hostile field cases for every channel that takes fields', () => {
    // A channel added to the contract fails here until it gets its hostile cases.
    const covered = [...Object.keys(cases), ...FIELDLESS].sort();
    expect(covered).toEqual([...channels].sort());
  });

  it.each(channels)('%s answers every hostile payload with a clear error', async (channel) => {
    const wholePayload = fc.oneof(
      anyHostile.filter((v) => v !== undefined),
      fc
        .tuple(hostileKey, anyHostile)
        .map(([key, value]) => withOwnKey(cases[channel]?.base ?? {}, key, value)),
      fc
        .tuple(hostileKey, fc.jsonValue())
        .map(
          ([key, value]) =>
            JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}}`) as unknown,
        ),
    );
    const fields = cases[channel]?.fields ?? [];
    const fieldPayload =
      fields.length === 0
        ? wholePayload
        : fc.constantFrom(...fields).chain((m) =>
            m.values.map((value) => {
              const copy = structuredClone(cases[channel]?.base ?? {});
              setPath(copy, m.path, value);
              return copy;
            }),
          );
    await fc.assert(
      fc.asyncProperty(fc.oneof(wholePayload, fieldPayload), async (payload) => {
        calls++;
        const envelope = await service.call(channel, payload);
        expectClearError(channel, envelope, fc.stringify(payload).slice(0, 200));
      }),
      { numRuns: RUNS_PER_CHANNEL },
    );
  });

  it('answers valid-looking ids that do not exist with not-found, naming what was asked for', async () => {
    for (const channel of ['tasks:get', 'tasks:delete', 'tasks:enable', 'tasks:runNow']) {
      const envelope = await service.call(channel, { id: 'no-such-task' });
      expect(envelope.ok).toBe(false);
      if (!envelope.ok) {
        expect(envelope.error.code).toBe('not-found');
        expect(envelope.error.message).toContain('no-such-task');
      }
    }
  });

  it('stays up with stored data unchanged and no prototype polluted', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
    const info = await service.call('app:info', undefined);
    expect(info.ok).toBe(true);
    const tasks = await ok<TaskView[]>(service, 'tasks:list');
    expect(tasks.map((t) => t.id)).toEqual([taskId]);
    expect(await hashFiles(dataDir, notStoredData)).toEqual(before);
  });
});
