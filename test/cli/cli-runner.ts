import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness.js';

export const CLI = join(ROOT, 'dist/main/cli/entry.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `crontray` command as a real child process, the way a script would. */
export function crontray(dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Starts a long-running `crontray` (logs --follow) and lets the test read as it prints. */
export function startCrontray(
  dataDir: string,
  args: string[],
): { child: ChildProcess; output: () => string; waitFor(text: RegExp): Promise<void> } {
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return {
    child,
    output: () => output,
    async waitFor(text) {
      for (let i = 0; i < 400 && !text.test(output); i++)
        await new Promise((r) => setTimeout(r, 25));
      if (!text.test(output)) throw new Error(`crontray never printed ${String(text)}:\n${output}`);
    },
  };
}
