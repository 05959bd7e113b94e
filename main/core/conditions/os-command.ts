import { execFile } from 'node:child_process';

/** Runs a short OS command (pmset, powershell) and gives its output; 10 s at most. */
export function commandOutput(program: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 10_000, windowsHide: true }, (error, stdout) => {
      if (error) reject(new Error(`${program} failed: ${error.message}`));
      else resolve(stdout);
    });
  });
}
