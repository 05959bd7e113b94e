import type { AppInfo, Handlers, SchedulerStatus } from '../../api/contract.js';
import type { Envelope } from '../../api/channel.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { dispatch } from './dispatch.js';
import { EventHub } from './event-hub.js';
import { ServiceError } from './service-error.js';

export interface ServiceOptions {
  /** Where config, vault, jobs, sessions, cache and logs live. */
  dataDir: string;
  /** Which adapter hosts the core; shown in app:info. */
  host: AppInfo['host'];
  /** Enables test-only channels and the plaintext vault. Default false. */
  testMode?: boolean;
  /** Default systemClock. */
  clock?: Clock;
  /** Default silent. */
  logger?: Logger;
  /** The app's version, from package.json. */
  version: string;
  /** Electron and Chrome versions when hosted by Electron. */
  versions?: Partial<AppInfo['versions']>;
}

/** The one object both transports call. Every request is validated before a handler sees it. */
export class CrontrayService {
  readonly events = new EventHub();
  readonly handlers: Handlers;
  readonly #options: Required<Omit<ServiceOptions, 'versions'>> & Pick<ServiceOptions, 'versions'>;
  #running = false;
  #sessionStartedAt: number | null = null;

  constructor(options: ServiceOptions) {
    this.#options = {
      testMode: false,
      clock: systemClock,
      logger: silentLogger,
      ...options,
    };
    this.handlers = this.#createHandlers();
  }

  get testMode(): boolean {
    return this.#options.testMode;
  }

  /** Calls a channel by name with an untrusted payload; always resolves with an envelope. */
  call(channel: string, payload: unknown): Promise<Envelope<unknown>> {
    return dispatch(this.handlers, channel, payload, {
      testMode: this.#options.testMode,
      logger: this.#options.logger,
    });
  }

  async open(): Promise<void> {}

  async close(_reason = 'quit'): Promise<void> {
    this.#running = false;
  }

  #status(): SchedulerStatus {
    return {
      running: this.#running,
      sessionId: null,
      startedAt: this.#sessionStartedAt,
      pausedUntil: null,
      tasks: 0,
      enabledTasks: 0,
      activeRuns: 0,
      nextRun: null,
      lastRunFailed: false,
      vault: { backend: 'none', secure: false, warning: null, entries: 0, locked: [] },
      testMode: this.#options.testMode,
      now: this.#options.clock.now(),
    };
  }

  #createHandlers(): Handlers {
    const unavailable = (what: string) => async (): Promise<never> => {
      throw new ServiceError('unavailable', `Service: ${what} is not available yet`);
    };
    const o = this.#options;
    return {
      'app:info': async () => ({
        name: 'Crontray',
        version: o.version,
        host: o.host,
        testMode: o.testMode,
        dataDir: o.dataDir,
        platform: process.platform,
        versions: { node: process.versions.node, electron: null, chrome: null, ...o.versions },
      }),
      'scheduler:status': async () => this.#status(),
      'scheduler:start': async () => {
        if (!this.#running) {
          this.#running = true;
          this.#sessionStartedAt = o.clock.now();
          this.events.emit('scheduler:state', this.#status());
        }
        return this.#status();
      },
      'scheduler:stop': async () => {
        if (this.#running) {
          this.#running = false;
          this.#sessionStartedAt = null;
          this.events.emit('scheduler:state', this.#status());
        }
        return this.#status();
      },
      'scheduler:pause': unavailable('pause'),
      'tasks:list': async () => [],
      'tasks:get': unavailable('tasks:get'),
      'tasks:create': unavailable('tasks:create'),
      'tasks:update': unavailable('tasks:update'),
      'tasks:delete': unavailable('tasks:delete'),
      'tasks:enable': unavailable('tasks:enable'),
      'tasks:disable': unavailable('tasks:disable'),
      'tasks:runNow': unavailable('tasks:runNow'),
      'tasks:preview': unavailable('tasks:preview'),
      'runs:cancel': unavailable('runs:cancel'),
      'history:sessions': unavailable('history:sessions'),
      'history:runs': unavailable('history:runs'),
      'history:run': unavailable('history:run'),
      'history:stats': unavailable('history:stats'),
      'history:delete': unavailable('history:delete'),
      'cache:list': unavailable('cache:list'),
      'cache:clear': unavailable('cache:clear'),
      'vault:status': unavailable('vault:status'),
      'settings:get': unavailable('settings:get'),
      'settings:set': unavailable('settings:set'),
      'clock:advance': unavailable('clock:advance'),
    };
  }
}
