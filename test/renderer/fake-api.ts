import { ApiError } from '../../main/api/channel.js';
import { channelNames } from '../../main/api/names.js';
import type {
  Api,
  Channel,
  EventMap,
  EventName,
  RequestOf,
  ResponseOf,
  TaskView,
} from '../../main/api/contract.js';

export type FakeHandlers = {
  [C in Channel]?: (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

export interface FakeApi {
  api: Api;
  /** Every call made, in order. */
  calls: { channel: Channel; request: unknown }[];
  callsTo<C extends Channel>(channel: C): RequestOf<C>[];
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

/**
 * An in-memory Api for component tests: the renderer's boundary is the contract, so a test
 * answers the channels it cares about and every other channel fails as 'unavailable', the way
 * an unfinished service does.
 */
export function fakeApi(handlers: FakeHandlers = {}): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    api[channel] = async (request?: unknown) => {
      calls.push({ channel, request });
      const handler = handlers[channel] as ((r: unknown) => unknown) | undefined;
      if (!handler)
        throw new ApiError({
          code: 'unavailable',
          message: `${channel} is not available yet.`,
        });
      return handler(request);
    };
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  };
  return {
    api: api as Api,
    calls,
    callsTo: <C extends Channel>(channel: C) =>
      calls.filter((c) => c.channel === channel).map((c) => c.request as RequestOf<C>),
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

/** A task view with sensible defaults, for tables and the editor. */
export function taskView(overrides: Partial<TaskView> = {}): TaskView {
  return {
    id: 'task-1',
    name: 'backup',
    project: 'home',
    group: 'nightly',
    schedule: { kind: 'cron', pattern: '0 3 * * *', dayMatch: 'or' },
    timezone: undefined,
    action: {
      kind: 'shell',
      mode: 'exec',
      program: 'echo',
      args: ['hello'],
      shell: 'sh',
      script: '',
      env: [],
    },
    locked: null,
    scheduleText: 'At 03:00',
    nextRunAt: Date.now() + 3 * 60_000,
    lastRun: null,
    activeRuns: 0,
    waitingFor: null,
    enabled: true,
    priority: 0,
    timeoutMs: 0,
    maxRetries: 0,
    retryDelayMs: 1000,
    backoffFactor: 2,
    retryMaxDelayMs: 300_000,
    overlap: 'skip',
    maxConcurrent: 1,
    catchUp: { policy: 'none', cap: 10, deadlineMs: 0 },
    resultCache: null,
    notes: '',
    runOn: { kind: 'local' },
    createdAt: 0,
    updatedAt: 0,
    lastDueAt: null,
    cycles: 0,
    ...overrides,
  };
}
