import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import {
  ClusterKey,
  ClusterWorker,
  queueNameSchema,
  redisUrlSchema,
} from '../core/cluster/index.js';
import type { Logger } from '../core/log/logger.js';
import { consoleLogger } from '../core/log/logger.js';

export const WORKER_USAGE = `Usage: crontray worker --redis URL --queue NAME [--concurrency N] [--key-file PATH] [--name NAME]

Runs the tasks a Crontray controller puts on cluster queue NAME.

  --redis URL        redis://[:password@]host:6379 or rediss:// for TLS
                     (or set CRONTRAY_REDIS_URL, which keeps the password out of ps)
  --queue NAME       the queue to serve, as chosen in the task's "Run on" field
  --concurrency N    runs at once (default 1)
  --key-file PATH    the controller's cluster.key (or set CRONTRAY_CLUSTER_KEY)
  --name NAME        shown in run records and the cluster status (default host:pid)
  --lock-ms N        a run whose worker stops answering is retried after N ms (default 30000)
  --max-held N       ticks taken before their instant and held until it, beyond the
                     --concurrency run slots (default 1000)
  --help             show this help

Exit codes: 0 stopped by SIGINT/SIGTERM after runs in flight ended; 2 bad arguments, an
unreadable or refused cluster key, or Redis refused at start; 1 anything else.`;

/** The worker's flags, shared by worker-entry and the `crontray worker` subcommand. */
export const WORKER_OPTIONS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  concurrency: { type: 'string' },
  'key-file': { type: 'string' },
  name: { type: 'string' },
  'lock-ms': { type: 'string' },
  'max-held': { type: 'string' },
} as const;

export interface WorkerArgs {
  redisUrl: string;
  queue: string;
  concurrency: number;
  keyFile: string | undefined;
  name: string | undefined;
  lockMs: number;
  maxHeld: number;
}

/** A problem with the command line: printed with the usage, exit code 2. */
export class WorkerUsageError extends Error {}

function wholeNumber(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new WorkerUsageError(
      `crontray worker: ${flag} '${text}' must be a whole number from ${min} to ${max}`,
    );
  }
  return Number(text);
}

/** Parses and checks the flags; every refusal names the flag and how to fix it. */
export function parseWorkerArgs(argv: string[], env = process.env): WorkerArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...WORKER_OPTIONS, help: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new WorkerUsageError(
      `crontray worker: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (values.help) return 'help';
  const urlText = values.redis ?? env.CRONTRAY_REDIS_URL;
  if (urlText === undefined)
    throw new WorkerUsageError(
      'crontray worker: --redis URL is required (or set CRONTRAY_REDIS_URL)',
    );
  const url = redisUrlSchema.safeParse(urlText);
  if (!url.success)
    throw new WorkerUsageError(
      `crontray worker: --redis: ${url.error.issues[0]?.message ?? 'invalid'}`,
    );
  if (values.queue === undefined)
    throw new WorkerUsageError('crontray worker: --queue NAME is required');
  const queue = queueNameSchema.safeParse(values.queue);
  if (!queue.success)
    throw new WorkerUsageError(
      `crontray worker: --queue '${values.queue}': ${queue.error.issues[0]?.message ?? 'invalid'}`,
    );
  const name = values.name?.trim();
  if (name !== undefined && (name === '' || name.length > 128)) {
    throw new WorkerUsageError('crontray worker: --name must be 1-128 characters');
  }
  return {
    redisUrl: url.data,
    queue: queue.data,
    concurrency: wholeNumber('--concurrency', values.concurrency, 1, 1, 1000),
    keyFile: values['key-file'] !== undefined ? resolve(values['key-file']) : undefined,
    name,
    lockMs: wholeNumber('--lock-ms', values['lock-ms'], 30_000, 1000, 3_600_000),
    maxHeld: wholeNumber('--max-held', values['max-held'], 1000, 1, 100_000),
  };
}

/**
 * `crontray worker`: runs until SIGINT/SIGTERM (then lets runs in flight finish). Resolves with
 * the exit code: 0 after a clean stop, 2 for a bad command line or a refused key, 1 otherwise.
 */
export async function runWorkerCommand(
  argv: string[],
  logger: Logger = consoleLogger('crontray worker'),
  stopSignal?: AbortSignal,
): Promise<number> {
  let args;
  try {
    args = parseWorkerArgs(argv);
  } catch (error) {
    if (error instanceof WorkerUsageError) {
      console.error(`${error.message}\n\n${WORKER_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    console.log(WORKER_USAGE);
    return 0;
  }
  let worker: ClusterWorker;
  try {
    const key = await ClusterKey.forWorker(args.keyFile);
    worker = new ClusterWorker({
      redisUrl: args.redisUrl,
      queue: args.queue,
      concurrency: args.concurrency,
      key,
      logger,
      lockDurationMs: args.lockMs,
      stalledIntervalMs: Math.max(500, Math.floor(args.lockMs / 2)),
      // A worker killed mid-run frees its task after the same time BullMQ takes to retry its run.
      leaseMs: args.lockMs,
      maxHeld: args.maxHeld,
      ...(args.name !== undefined ? { name: args.name } : {}),
    });
    await worker.start();
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  return new Promise<number>((resolveCode) => {
    let stopping = false;
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      worker.close(code !== 0).then(
        () => resolveCode(code),
        () => resolveCode(1),
      );
    };
    worker.onRefused(() => stop(2));
    if (stopSignal !== undefined) {
      // `crontray worker`: the command line turns SIGINT/SIGTERM into this signal.
      if (stopSignal.aborted) stop(0);
      else stopSignal.addEventListener('abort', () => stop(0), { once: true });
    } else {
      process.once('SIGINT', () => stop(0));
      process.once('SIGTERM', () => stop(0));
    }
  });
}
