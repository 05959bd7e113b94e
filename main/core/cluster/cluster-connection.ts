import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { queueName } from '../model/task.js';
import { redactRedisUrl, redisUrlSchema } from './redis-url.js';

export { redactRedisUrl, redisUrlSchema } from './redis-url.js';

/**
 * Every key lives under this hash-tag prefix, so on a Redis Cluster all of Crontray's keys share
 * one slot and BullMQ's multi-key scripts never fail with CROSSSLOT.
 */
export const CLUSTER_PREFIX = '{crontray}';
/** The queue workers put finished run records on; only the controller consumes it. */
export const RESULTS_QUEUE = 'crontray-results';

/** A queue people name in the task editor and on the worker's command line. */
export const queueNameSchema = queueName;

/** The BullMQ queue behind a Crontray cluster queue name. */
export function bullQueueName(queue: string): string {
  return `crontray-q-${queue}`;
}

export interface ConnectOptions {
  /** Reconnect delays grow from 200 ms up to this (ms). Default 10,000. */
  maxReconnectDelayMs?: number;
  /** A name shown by CLIENT LIST, e.g. the worker's name. */
  connectionName?: string;
}

/**
 * An ioredis connection as BullMQ needs it (maxRetriesPerRequest null), reconnecting with backoff
 * forever: Redis being away is a state Crontray shows, not a reason to stop.
 */
export function connectRedis(urlText: string, options: ConnectOptions = {}): Redis {
  const parsed = redisUrlSchema.safeParse(urlText);
  if (!parsed.success) {
    throw new Error(`Cluster: ${parsed.error.issues[0]?.message ?? 'invalid Redis URL'}`);
  }
  const url = parsed.data;
  const cap = options.maxReconnectDelayMs ?? 10_000;
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(cap, 200 * 2 ** Math.min(times, 10)),
    ...(options.connectionName !== undefined ? { connectionName: options.connectionName } : {}),
  };
  return new Redis(url, redisOptions);
}

/**
 * Redis answers but Crontray cannot use it: it may evict keys, or it is full and refuses writes.
 * Told apart from "unreachable" because the fix is a setting on the server, not the network.
 */
export class RedisUnfitError extends Error {}

const MB = 1024 * 1024;

/**
 * What is wrong with a Redis's memory settings for BullMQ, from its `INFO memory`, as a sentence
 * saying how to fix it; null when nothing is. An evicting policy may drop job locks and queued
 * runs; a noeviction Redis that reached maxmemory refuses every write.
 */
export function redisMemoryProblem(info: string, url: string): string | null {
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1];
  const where = redactRedisUrl(url);
  const policy = field('maxmemory_policy') ?? 'unknown';
  if (policy !== 'noeviction') {
    return `Redis at ${where} evicts keys (maxmemory-policy ${policy}), so it may drop queued runs and their locks: set "maxmemory-policy noeviction" in redis.conf (or run: redis-cli CONFIG SET maxmemory-policy noeviction)`;
  }
  const used = Number(field('used_memory'));
  const max = Number(field('maxmemory'));
  if (max > 0 && used >= max) {
    return `Redis at ${where} refuses writes: it is full (${Math.round(used / MB)} MB used of maxmemory ${Math.round(max / MB)} MB, maxmemory-policy noeviction): raise maxmemory in redis.conf (or run: redis-cli CONFIG SET maxmemory 1gb) or free memory there`;
  }
  return null;
}

/** A sentence for what went wrong talking to Redis, saying what to do. */
export function describeRedisError(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const where = redactRedisUrl(url);
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH.*failed/i.test(message)) {
    return `Redis at ${where} refused the password: check the password in Settings (or in the --redis URL)`;
  }
  if (/ECONNREFUSED/.test(message)) {
    return `Redis at ${where} is not reachable (connection refused): is redis-server running there?`;
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) {
    return `Redis host in ${where} was not found: check the host name`;
  }
  if (/^OOM /.test(message)) {
    return `Redis at ${where} refuses writes: it reached its maxmemory (${message}): raise maxmemory in redis.conf (or run: redis-cli CONFIG SET maxmemory 1gb) or free memory there`;
  }
  if (/ETIMEDOUT|timed out/i.test(message)) {
    return `Redis at ${where} did not answer in time: check the host, port and firewall`;
  }
  return `Redis at ${where}: ${message}`;
}

/**
 * Connects and checks the server is fit for BullMQ: it answers, accepts the password, runs
 * with maxmemory-policy noeviction (job locks are keys with expiry; an evicting Redis loses them)
 * and has room to write. Throws a sentence saying how to fix what is wrong (a RedisUnfitError
 * when Redis answered but cannot be used).
 */
export async function checkRedis(client: Redis, url: string, timeoutMs = 5000): Promise<void> {
  // ioredis rejects connect() with "Connection is closed"; the reason came as an 'error' event.
  let cause: unknown = null;
  const remember = (error: unknown) => {
    cause ??= error;
  };
  client.on('error', remember);
  try {
    if (client.status === 'wait') await withTimeout(client.connect(), timeoutMs);
    else await withTimeout(client.ping(), timeoutMs);
  } catch (error) {
    client.disconnect();
    throw new Error(`Cluster: ${describeRedisError(cause ?? error, url)}`, { cause: error });
  } finally {
    client.off('error', remember);
  }
  let problem: string | null;
  try {
    problem = redisMemoryProblem(await withTimeout(client.info('memory'), timeoutMs), url);
  } catch (error) {
    throw new Error(`Cluster: ${describeRedisError(error, url)}`, { cause: error });
  }
  if (problem !== null) throw new RedisUnfitError(`Cluster: ${problem}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolveValue, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolveValue(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
