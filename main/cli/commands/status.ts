import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { emit, when } from '../output.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'whether the scheduler runs, how many tasks, and what runs next',
  usage: 'crontray status',
  positionals: [],
  required: 0,
  async run(context) {
    const api = await context.api();
    const status = await api.call('scheduler:status');
    emit(context, { ...status, endpoint: api.connection.endpoint.url }, () => {
      const next = status.nextRun
        ? `${status.nextRun.name} ${when(status.nextRun.at, status.now)} (${new Date(status.nextRun.at).toISOString()})`
        : 'none';
      return [
        `Scheduler: ${status.running ? 'running' : 'stopped'}${status.pausedUntil ? `, paused until ${new Date(status.pausedUntil).toISOString()}` : ''}`,
        `Tasks: ${status.tasks} (${status.enabledTasks} enabled), ${status.activeRuns} running now`,
        `Next run: ${next}`,
        `Last run failed: ${status.lastRunFailed ? 'yes' : 'no'}`,
        `Vault: ${status.vault.backend}${status.vault.warning ? ` (${status.vault.warning})` : ''}`,
        `API: ${api.connection.endpoint.url} (${api.connection.endpoint.host})`,
      ].join('\n');
    });
    return EXIT.ok;
  },
};
