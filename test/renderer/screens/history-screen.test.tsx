// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { RequestOf, RunSummary } from '../../../main/api/contract.js';
import type { RunRecord } from '../../../main/core/model/run.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { HistoryScreen } from '../../../renderer/src/screens/history/history-screen.js';
import { fakeApi } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';

afterEach(cleanup);

const T0 = Date.UTC(2026, 0, 1);

function run(i: number): RunSummary {
  return {
    runId: `run-${i}`,
    taskId: 't1',
    project: 'home',
    group: 'nightly',
    name: i % 2 ? 'backup' : 'report',
    sessionId: 's1',
    status: i % 10 === 0 ? 'failed' : 'succeeded',
    trigger: 'schedule',
    scheduledFor: T0 - i * 60_000,
    startedAt: T0 - i * 60_000,
    endedAt: T0 - i * 60_000 + 1200,
    heartbeatAt: null,
    attempt: 1,
    firstRunId: null,
    exitCode: 0,
    httpStatus: null,
    error: null,
    fromCache: false,
    durationMs: 1200,
  };
}

/** 100,000 runs served a page at a time, with a cursor that is the next index. */
function pagedRuns(total: number) {
  return (request: RequestOf<'history:runs'>) => {
    const start = Number(request.cursor ?? 0);
    const limit = request.limit ?? 100;
    const end = Math.min(total, start + limit);
    const items: RunSummary[] = [];
    for (let i = start; i < end; i++) items.push(run(i));
    return { items, nextCursor: end < total ? String(end) : null, total };
  };
}

function renderHistory(
  handlers: FakeHandlers,
  runRef: Parameters<typeof HistoryScreen>[0]['run'] = null,
) {
  const fake = fakeApi({
    'tasks:list': () => [],
    'history:sessions': () => ({ items: [], nextCursor: null, total: 0 }),
    ...handlers,
  });
  render(
    <ApiProvider api={fake.api}>
      <HistoryScreen run={runRef} pageSize={500} />
    </ApiProvider>,
  );
  return fake;
}

describe('history', () => {
  it('keeps 100,000 runs scrollable by rendering only the rows in view', async () => {
    const fake = renderHistory({ 'history:runs': pagedRuns(100_000) });
    const list = await screen.findByRole('list', { name: 'Runs' });
    expect(screen.getByTestId('runs-count').textContent).toContain('of 100,000 runs');
    const rendered = () => list.querySelectorAll('[role="listitem"]');
    expect(rendered().length).toBeGreaterThan(5);
    expect(rendered().length).toBeLessThan(60);
    expect(rendered()[0]?.getAttribute('aria-setsize')).toBe('500');

    // Scroll near the end of the first page: the next page is fetched with the cursor.
    list.scrollTop = 495 * 36;
    fireEvent.scroll(list);
    await waitFor(() =>
      expect(fake.callsTo('history:runs').some((r) => r.cursor === '500')).toBe(true),
    );
    await waitFor(() =>
      expect(screen.getByTestId('runs-count').textContent).toContain('Showing 1,000 of'),
    );
    expect(rendered().length).toBeLessThan(60);
    const positions = [...rendered()].map((row) => Number(row.getAttribute('aria-posinset')));
    expect(positions).toContain(500);
    expect(positions).not.toContain(1);
  });

  it('asks the service for the filters chosen', async () => {
    const fake = renderHistory({
      'history:runs': pagedRuns(3),
      'tasks:list': () => [],
    });
    await screen.findByRole('list', { name: 'Runs' });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-01-01T00:00' } });
    await waitFor(() =>
      expect(fake.callsTo('history:runs').at(-1)).toEqual({
        status: 'failed',
        from: new Date('2026-01-01T00:00').getTime(),
        limit: 500,
      }),
    );
  });

  it('shows a run in detail: output, exit code, attempt, trigger and cache use', async () => {
    const record: RunRecord = {
      ...run(1),
      stdout: { head: 'hello\n', tail: '', truncated: false, totalBytes: 6 },
      stderr: null,
      exitCode: 0,
      attempt: 2,
      trigger: 'retry',
      fromCache: true,
    };
    const fake = renderHistory(
      { 'history:runs': pagedRuns(3), 'history:run': () => record },
      { project: 'home', group: 'nightly', name: 'backup', runId: 'run-1' },
    );
    const detail = await screen.findByTestId('run-detail');
    await waitFor(() => expect(screen.getByTestId('run-stdout').textContent).toBe('hello\n'));
    expect(screen.getByTestId('run-exit-code').textContent).toBe('0');
    expect(detail.textContent).toContain('Attempt2');
    expect(detail.textContent).toContain('Triggerretry');
    expect(detail.textContent).toContain('From result cacheyes');
    expect(screen.getByTestId('run-worker').textContent).toBe('this computer');
    expect(fake.callsTo('history:run')).toEqual([
      { project: 'home', group: 'nightly', name: 'backup', runId: 'run-1' },
    ]);
  });

  it('names the cluster worker that ran a run', async () => {
    renderHistory(
      {
        'history:runs': pagedRuns(3),
        'history:run': () => ({ ...run(1), stdout: null, stderr: null, worker: 'build-2:4411' }),
      },
      { project: 'home', group: 'nightly', name: 'backup', runId: 'run-1' },
    );
    expect((await screen.findByTestId('run-worker')).textContent).toBe(
      'cluster worker build-2:4411',
    );
  });

  it('says in a sentence why a skipped run did not run, beside the reason its record gives', async () => {
    renderHistory(
      {
        'history:runs': pagedRuns(3),
        'history:run': () => ({
          ...run(1),
          status: 'skipped',
          startedAt: null,
          stdout: null,
          stderr: null,
          skipReason: 'do-not-run-until',
          error:
            'Skipped: Crontray was told not to run until 08:00 Thursday 3 December; Run now still runs a task.',
        }),
      },
      { project: 'home', group: 'nightly', name: 'backup', runId: 'run-1' },
    );
    expect((await screen.findByTestId('run-skip-reason')).textContent).toBe(
      'Crontray was told not to run until a later time ("Do not run until …").',
    );
    expect(screen.getByTestId('run-error').textContent).toContain(
      'until 08:00 Thursday 3 December',
    );
  });

  it('says nothing about skipping for a run that was not skipped', async () => {
    renderHistory(
      {
        'history:runs': pagedRuns(3),
        'history:run': () => ({ ...run(1), stdout: null, stderr: null }),
      },
      { project: 'home', group: 'nightly', name: 'backup', runId: 'run-1' },
    );
    await screen.findByTestId('run-worker');
    expect(screen.queryByTestId('run-skip-reason')).toBeNull();
  });

  it("shows the run a chained run started after, and the runs a parent's end started, as links", async () => {
    const ref = (name: string, runId: string) => ({
      runId,
      taskId: `task-${name}`,
      project: 'home',
      group: 'nightly',
      name,
    });
    const record: RunRecord = {
      ...run(1),
      stdout: null,
      stderr: null,
      trigger: 'chain',
      parent: ref('backup', 'parent-run-0001'),
      chained: [ref('report', 'child-run-0002')],
    };
    renderHistory(
      { 'history:runs': pagedRuns(3), 'history:run': () => record },
      { project: 'home', group: 'nightly', name: 'sync', runId: 'run-1' },
    );
    const parent = await screen.findByTestId('run-parent');
    expect(parent.textContent).toBe("Started after 'backup' (run parent-r).");
    expect(parent.querySelector('a')?.getAttribute('href')).toBe(
      '#/history/run/home/nightly/backup/parent-run-0001',
    );
    const chained = screen.getByTestId('run-chained');
    expect(chained.querySelector('a')?.getAttribute('href')).toBe(
      '#/history/run/home/nightly/report/child-run-0002',
    );
  });

  it('lists sessions with their counts and shows a session’s runs on request', async () => {
    const fake = renderHistory({
      'history:runs': pagedRuns(3),
      'history:sessions': () => ({
        items: [
          {
            sessionId: 's1',
            startedAt: T0,
            endedAt: T0 + 3_600_000,
            durationMs: 3_600_000,
            endReason: 'stopped',
            cycles: 12,
            counts: { succeeded: 10, failed: 2 },
          },
        ],
        nextCursor: null,
        total: 1,
      }),
    });
    const sessions = await screen.findByRole('region', { name: 'Sessions' });
    await waitFor(() => expect(sessions.textContent).toContain('10 succeeded, 2 failed'));
    expect(sessions.textContent).toContain('1 h 00 min');
    expect(sessions.textContent).toContain('stopped');
    fireEvent.click(screen.getByRole('button', { name: 'Show runs' }));
    await waitFor(() =>
      expect(fake.callsTo('history:runs').at(-1)).toEqual({ sessionId: 's1', limit: 500 }),
    );
  });

  it('has an empty state and an error state', async () => {
    renderHistory({
      'history:runs': () => ({ items: [], nextCursor: null, total: 0 }),
      'history:sessions': undefined,
    });
    expect((await screen.findByTestId('runs-empty')).textContent).toMatch(/No runs yet/);
    expect((await screen.findByRole('alert')).textContent).toContain('history:sessions');
  });

  it('re-reads the newest runs when the history changes', async () => {
    let total = 2;
    const fake = renderHistory({ 'history:runs': (r) => pagedRuns(total)(r) });
    await screen.findByRole('list', { name: 'Runs' });
    total = 3;
    fake.emit('history:changed', { reason: 'run finished' });
    await waitFor(() =>
      expect(screen.getByTestId('runs-count').textContent).toContain('Showing 3 of 3'),
    );
  });
});
