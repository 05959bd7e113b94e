// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { DashboardStats, Settings } from '../../../main/api/contract.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { DashboardScreen } from '../../../renderer/src/screens/dashboard/dashboard-screen.js';
import { SettingsScreen } from '../../../renderer/src/screens/settings/settings-screen.js';
import type { Theme } from '../../../renderer/src/theme.js';
import { fakeApi, taskView } from '../fake-api.js';

afterEach(cleanup);

const T0 = Date.now() - 3_600_000;

const stats: DashboardStats = {
  total: 4,
  counts: { succeeded: 3, failed: 1 },
  successRate: 0.75,
  p50DurationMs: 1200,
  p95DurationMs: 4000,
  failuresLast24h: [
    {
      runId: 'r9',
      taskId: 't1',
      project: 'home',
      group: 'nightly',
      name: 'backup',
      sessionId: null,
      status: 'failed',
      trigger: 'schedule',
      scheduledFor: T0,
      startedAt: T0,
      endedAt: T0 + 4000,
      heartbeatAt: null,
      attempt: 1,
      firstRunId: null,
      exitCode: 3,
      httpStatus: null,
      error: null,
      fromCache: false,
      durationMs: 4000,
    },
  ],
  durations: [
    {
      taskId: 't1',
      name: 'backup',
      points: [
        { at: T0, durationMs: 4000, status: 'failed' },
        { at: T0 + 60_000, durationMs: 1200, status: 'succeeded' },
      ],
    },
  ],
  unreadableFiles: [],
};

describe('dashboard', () => {
  it('shows counts, success rate, recent failures, a durations chart and what runs next', async () => {
    const fake = fakeApi({
      'history:stats': () => stats,
      'tasks:list': () => [
        // Half a minute past ten, so the few seconds this test takes still read "in 10 min".
        taskView({ name: 'report', nextRunAt: Date.now() + 10 * 60_000 + 30_000 }),
        taskView({ id: 'x', name: 'off', enabled: false }),
      ],
    });
    render(
      <ApiProvider api={fake.api}>
        <DashboardScreen />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('stat-success-rate')).textContent).toBe('75.0 %');
    expect(screen.getByTestId('status-counts').textContent).toBe('succeeded 3failed 1');
    const failures = screen.getByTestId('failures-24h');
    expect(failures.textContent).toContain('backup failed');
    expect(failures.textContent).toContain('exit code 3');
    expect(screen.getByRole('link', { name: 'backup failed' }).getAttribute('href')).toBe(
      '#/history/run/home/nightly/backup/r9',
    );
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toContain('backup');
    expect(chart.querySelectorAll('circle')).toHaveLength(2);
    expect((await screen.findByTestId('next-runs')).textContent).toMatch(/report in 10 min/);
    expect(screen.getByTestId('next-runs').textContent).not.toContain('off');
  });
});

describe('settings', () => {
  it('saves a toggle at once and applies and persists the theme', async () => {
    let saved: Settings = {
      startAtLogin: false,
      notifications: true,
      theme: 'system',
      retention: { keepLast: 100, keepFailuresDays: 30 },
      globalConcurrency: 4,
    };
    const fake = fakeApi({
      'settings:get': () => saved,
      'settings:set': (patch) =>
        (saved = { ...saved, ...patch, retention: { ...saved.retention, ...patch.retention } }),
      'app:info': () => ({
        name: 'Crontray',
        version: '0.1.0',
        host: 'headless',
        testMode: false,
        dataDir: '/home/me/.config/Crontray',
        platform: 'linux',
        versions: { node: '20', electron: null, chrome: null },
      }),
      'vault:status': () => ({
        backend: 'key-file',
        secure: false,
        warning: null,
        entries: 2,
        locked: [],
      }),
    });
    const onTheme = vi.fn<(t: Theme) => void>();
    render(
      <ApiProvider api={fake.api}>
        <SettingsScreen onTheme={onTheme} />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('data-dir')).textContent).toBe('/home/me/.config/Crontray');
    expect((await screen.findByTestId('vault-warning')).textContent).toContain('not encrypted');
    fireEvent.click(screen.getByLabelText('Start Crontray when I log in'));
    await waitFor(() => expect(fake.callsTo('settings:set')).toEqual([{ startAtLogin: true }]));
    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(onTheme).toHaveBeenLastCalledWith('dark');
    await waitFor(() => expect(saved.theme).toBe('dark'));
    fireEvent.change(screen.getByLabelText('Keep the last runs per task'), {
      target: { value: '0' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save history settings' }));
    await waitFor(() =>
      expect(fake.callsTo('settings:set').at(-1)).toMatchObject({ retention: { keepLast: 0 } }),
    );
  });
});
