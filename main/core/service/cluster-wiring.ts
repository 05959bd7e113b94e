import { join } from 'node:path';
import type { ClusterView } from '../../api/contract/cluster-channels.js';
import type { Handlers } from '../../api/contract.js';
import type { ClusterHold } from '../cluster/cluster-hold.js';
import type { ClusterLink } from '../cluster/cluster-link.js';
import { redactRedisUrl } from '../cluster/redis-url.js';
import { RedisUrlStore } from '../cluster/redis-url-store.js';
import type { Cipher } from '../store/cipher.js';
import type { CoreParts } from './core-parts.js';
import type { Notice } from './run-pipeline.js';
import type { RunSink } from '../schedule/run-sink.js';
import { ServiceError } from './service-error.js';

/**
 * Connects the cluster (its records go through `sink`, the same one local runs use, alerts
 * included) when a Redis URL is given. Without one, tasks set to run on a cluster
 * queue are named in a warning (they do not run here and are never silently moved).
 */
export async function openClusterLink(
  options: ClusterSwitchOptions,
  redisUrl: string | undefined,
): Promise<ClusterLink | null> {
  const { parts, sink, notice, onChange, hold } = options;
  const clusterTasks = parts.store.listTasks().filter((t) => t.runOn.kind === 'cluster');
  if (redisUrl === undefined) {
    if (clusterTasks.length > 0) {
      notice(
        'warning',
        `${clusterTasks.length} task(s) run on a cluster queue (${clusterTasks
          .map((t) => `'${t.name}'`)
          .slice(0, 5)
          .join(
            ', ',
          )}), but no Redis URL is set: enter one in Settings (or start with --redis URL). They do not run on this computer meanwhile.`,
      );
    }
    return null;
  }
  // BullMQ and what it brings (a fifth of the modules start-up would load) only with a cluster.
  const { ClusterLink } = await import('../cluster/cluster-link.js');
  const link = new ClusterLink({
    dataDir: parts.dataDir,
    redisUrl,
    tasks: parts.store,
    vault: parts.vault,
    sink,
    logger: parts.logger,
    notice,
    onChange,
    ...(hold && { hold }),
  });
  try {
    await link.start();
  } catch (error) {
    notice('error', `Cluster: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  return link;
}

export interface ClusterSwitchOptions {
  parts: CoreParts;
  sink: RunSink;
  cipher: Cipher;
  /** --redis or CRONTRAY_REDIS_URL: wins over the URL saved in Settings. */
  commandLineUrl: string | undefined;
  notice: Notice;
  onChange: () => void;
  /** The "Do not run until …" window the cluster's workers apply too. */
  hold?: () => ClusterHold | null;
}

/**
 * The Redis URL in use: the command line's, else the one saved in Settings (encrypted with the
 * vault's cipher). Saving another URL in Settings closes the controller's link and opens a new
 * one at once; the controller reconciles Redis with config.json on connect, so no restart.
 */
export class ClusterSwitch {
  readonly #o: ClusterSwitchOptions;
  readonly #saved: RedisUrlStore;
  #changing: Promise<unknown> = Promise.resolve();

  private constructor(options: ClusterSwitchOptions) {
    this.#o = options;
    this.#saved = new RedisUrlStore({
      path: join(options.parts.dataDir, 'cluster', 'redis.json'),
      cipher: options.cipher,
      clock: options.parts.clock,
    });
  }

  static async open(options: ClusterSwitchOptions): Promise<ClusterSwitch> {
    const sw = new ClusterSwitch(options);
    const problem = await sw.#saved.load();
    if (problem !== null) options.notice('warning', problem);
    const url = options.commandLineUrl ?? sw.#saved.url ?? undefined;
    options.parts.cluster = await openClusterLink(options, url);
    return sw;
  }

  view(): ClusterView {
    const saved = this.#saved.url;
    return {
      source:
        this.#o.commandLineUrl !== undefined
          ? 'command-line'
          : saved !== null
            ? 'settings'
            : 'none',
      savedUrl: saved === null ? null : redactRedisUrl(saved),
      status: this.#o.parts.cluster?.status ?? null,
    };
  }

  /** Saves (or forgets) the URL, then connects to it (or disconnects) unless --redis wins. */
  setRedis(url: string | null): Promise<ClusterView> {
    const run = this.#changing
      .catch(() => undefined)
      .then(async () => {
        await this.#saved.set(url);
        if (this.#o.commandLineUrl === undefined) {
          const { parts, notice, onChange } = this.#o;
          const before = parts.cluster;
          parts.cluster = null;
          await before?.close();
          parts.cluster = await openClusterLink(this.#o, url ?? undefined);
          if (url === null && before !== null) notice('info', 'Cluster: disconnected.');
          onChange();
        }
        return this.view();
      });
    this.#changing = run;
    return run;
  }
}

/** The cluster channels; they answer 'unavailable' until the service has opened. */
export function clusterHandlers(
  cluster: () => ClusterSwitch | null,
): Pick<Handlers, 'cluster:get' | 'cluster:set-redis'> {
  const require = (): ClusterSwitch => {
    const sw = cluster();
    if (sw === null)
      throw new ServiceError('unavailable', 'Service: still starting; try again in a moment');
    return sw;
  };
  return {
    'cluster:get': async () => require().view(),
    'cluster:set-redis': async ({ redisUrl }) => require().setRedis(redisUrl),
  };
}
