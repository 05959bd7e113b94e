import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionInput } from '../../../main/core/model/action.js';
import { actionSchema } from '../../../main/core/model/action.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import { runRecord } from '../../../main/core/model/run.js';
import type { StoredTask } from '../../../main/core/model/task.js';
import { storedTask } from '../../../main/core/model/task.js';
import type { Envelope } from '../../../main/api/channel.js';
import type {
  ClusterControllerOptions,
  ClusterTaskDefinition,
} from '../../../main/core/cluster/index.js';
import { ClusterController, ClusterKey } from '../../../main/core/cluster/index.js';
import { RunRecordWriter } from '../../../main/core/store/run-records.js';
import { startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle, RedisServerOptions } from '../../support/redis-server.js';

/** A cluster task definition as the service would hand it to the controller. */
export function clusterTask(
  overrides: Partial<StoredTask> & { id: string },
  action: ActionInput = { kind: 'shell', mode: 'script', script: 'true' },
  queue = 'main',
): ClusterTaskDefinition {
  const task = storedTask.parse({
    name: overrides.id,
    schedule: { kind: 'interval', everyMs: 1000, startAt: 0 },
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  });
  return { task, queue, action: actionSchema.parse(action) };
}

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `crontray-cluster-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every run record under <jobsDir>, parsed. */
export async function readRecords(jobsDir: string): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.json') && !entry.name.startsWith('.')) {
        out.push(runRecord.parse(JSON.parse(await readFile(path, 'utf8'))));
      }
    }
  };
  await walk(jobsDir);
  return out.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `ms` passes. */
export async function waitFor(
  check: () => Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** A redis-server, a data folder with its cluster key, and a controller writing to its jobs/. */
export interface ClusterRig {
  redis: RedisServerHandle;
  dataDir: string;
  jobsDir: string;
  key: ClusterKey;
  /** Not started: each test starts it with the tasks it needs. */
  controller: ClusterController;
  /** The task's run records on disk (every task's without an id). */
  recordsOf(taskId?: string): Promise<RunRecord[]>;
  close(): Promise<void>;
}

export async function startClusterRig(
  label: string,
  redisOptions: RedisServerOptions = {},
  controllerOptions: Pick<ClusterControllerOptions, 'handOverMs'> = {},
): Promise<ClusterRig> {
  const redis = await startRedisServer(redisOptions);
  const dataDir = await tempDir(label);
  const jobsDir = join(dataDir, 'jobs');
  const key = await ClusterKey.forController(dataDir, {});
  const controller = new ClusterController({
    redisUrl: redis.url,
    key,
    sink: new RunRecordWriter({ jobsDir, heartbeatMs: 0 }),
    ...controllerOptions,
  });
  return {
    redis,
    dataDir,
    jobsDir,
    key,
    controller,
    recordsOf: async (taskId) =>
      (await readRecords(jobsDir)).filter((r) => taskId === undefined || r.taskId === taskId),
    async close() {
      await controller.close();
      await redis.stop();
      await removeDir(dataDir);
    },
  };
}

/** The value of a service reply; a refusal fails the test with its code and message. */
export function valueOf<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
