import { z } from 'zod';
import { redisUrlSchema } from '../../core/cluster/redis-url.js';
import type { ClusterStatus } from '../../core/cluster/cluster-status.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { empty } from './request-parts.js';

export type { ClusterStatus };

/** Settings' Redis field and the cluster panel. */
export interface ClusterView {
  /**
   * Where the Redis URL in use comes from: Settings, the command line (--redis or
   * CRONTRAY_REDIS_URL, which win over Settings), or none (cluster tasks do not run).
   */
  source: 'settings' | 'command-line' | 'none';
  /** The URL saved in Settings with its password hidden, or null when none is saved. */
  savedUrl: string | null;
  /** The connection in use (workers, queues, warnings), or null when no URL is in use. */
  status: ClusterStatus | null;
}

export const clusterChannels = {
  'cluster:get': channel<ClusterView>()(empty),
  /**
   * Saves the Redis URL in the vault (null forgets it) and connects to it, or disconnects, at
   * once; no restart. A URL given on the command line stays in use until Crontray restarts.
   */
  'cluster:set-redis': channel<ClusterView>()(
    z.object({ redisUrl: redisUrlSchema.nullable() }).strict(),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
