import { spawn } from 'node:child_process';

/**
 * Signals a whole process tree. On POSIX the runner started the child as a process-group leader
 * (detached), so the negative pid reaches every descendant that did not leave the group. On
 * Windows there are no groups: taskkill /T walks the tree, and /F because Windows has no
 * polite SIGTERM for console programs.
 */
export function killTree(
  pid: number,
  signal: 'SIGTERM' | 'SIGKILL',
  platform: NodeJS.Platform = process.platform,
): void {
  if (platform === 'win32') {
    const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    killer.on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone. Fall back to the leader alone in case it left its group.
    try {
      process.kill(pid, signal);
    } catch {
      // Nothing left to kill.
    }
  }
}
