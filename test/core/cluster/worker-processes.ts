import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const WORKER_ENTRY = join(ROOT, 'dist/main/cli/worker-entry.js');

/** A `crontray worker` process started from the build, as a person would start one. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown code runs, as when a machine loses power. */
  kill9(): Promise<void>;
  /** SIGTERM: runs in flight finish first. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export function spawnWorker(
  args: string[],
  name: string,
  waitFor: RegExp | null = /serving queue/,
): Promise<WorkerProcess> {
  if (!existsSync(WORKER_ENTRY)) {
    throw new Error(
      `${WORKER_ENTRY} is missing: run npm run build:main first (npm test builds it)`,
    );
  }
  const child = spawn(process.execPath, [WORKER_ENTRY, '--name', name, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CRONTRAY_CLUSTER_KEY: '' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const proc: WorkerProcess = {
    name,
    child,
    output: () => output,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  if (waitFor === null) return Promise.resolve(proc);
  return new Promise((resolveProc, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${name} did not start:\n${output}`)),
      20_000,
    );
    const check = () => {
      if (waitFor.test(output)) {
        clearTimeout(timer);
        resolveProc(proc);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited with ${String(code)}:\n${output}`));
    });
  });
}
