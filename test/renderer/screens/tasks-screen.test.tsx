// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { RunSummary, TaskView } from '../../../main/api/contract.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { TasksScreen } from '../../../renderer/src/screens/tasks/tasks-screen.js';
import { fakeApi, taskView } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';

afterEach(cleanup);

function runSummary(task: TaskView, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-1',
    taskId: task.id,
    project: task.project,
    group: task.group,
    name: task.name,
    sessionId: null,
    status: 'succeeded',
    trigger: 'manual',
    scheduledFor: null,
    startedAt: Date.now(),
    endedAt: Date.now() + 20,
    heartbeatAt: null,
    attempt: 1,
    firstRunId: null,
    exitCode: 0,
    httpStatus: null,
    error: null,
    fromCache: false,
    durationMs: 20,
    ...overrides,
  };
}

const tasks = [
  taskView({
    id: 'a',
    name: 'backup',
    project: 'home',
    group: 'nightly',
    scheduleText: 'At 03:00',
    nextRunAt: Date.now() + 3 * 60_000 + 5_000,
    lastRun: { runId: 'r1', status: 'failed', startedAt: Date.now() - 60_000, durationMs: 1500 },
  }),
  taskView({
    id: 'b',
    name: 'report',
    project: 'work',
    group: 'daily',
    scheduleText: 'Every 15 minutes',
    lastRun: null,
  }),
  taskView({
    id: 'c',
    name: 'sync',
    project: 'work',
    group: 'daily',
    enabled: false,
    scheduleText: 'Every minute',
  }),
];

function renderTasks(handlers: FakeHandlers = {}) {
  let list = tasks;
  const fake = fakeApi({
    'tasks:list': () => list,
    'tasks:runNow': ({ id }) => runSummary(list.find((t) => t.id === id) ?? taskView()),
    'tasks:disable': ({ id }) => {
      list = list.map((t) => (t.id === id ? { ...t, enabled: false } : t));
      return list.find((t) => t.id === id) ?? taskView();
    },
    'tasks:delete': ({ id }) => {
      list = list.filter((t) => t.id !== id);
      return { deleted: true };
    },
    ...handlers,
  });
  render(
    <ApiProvider api={fake.api}>
      <TasksScreen />
    </ApiProvider>,
  );
  return fake;
}

const rowOf = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name}\\b`) });

describe('tasks table', () => {
  it('shows each task with its schedule in words, next run, last status and duration', async () => {
    renderTasks();
    await screen.findByRole('table');
    const row = rowOf('backup');
    expect(row.textContent).toContain('home / nightly');
    expect(row.textContent).toContain('At 03:00');
    const next = within(row).getByText(/in 3 min/);
    expect(next.getAttribute('title')).toMatch(/\d/);
    expect(within(row).getByTestId('last-run').textContent).toBe('failed 1.50 s');
    expect(rowOf('report').textContent).toContain('never');
    expect(rowOf('sync').textContent).toContain('disabled');
  });

  it('filters by project, group and status', async () => {
    renderTasks();
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Project'), { target: { value: 'work' } });
    expect(screen.queryByRole('row', { name: /^backup/ })).toBeNull();
    expect(rowOf('report')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'disabled' } });
    expect(screen.queryByRole('row', { name: /^report/ })).toBeNull();
    expect(rowOf('sync')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Project'), { target: { value: 'home' } });
    expect(screen.getByText('No tasks match these filters.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'nightly' } });
    expect(rowOf('backup')).toBeTruthy();
  });

  it('runs a task now and says how it went', async () => {
    const fake = renderTasks();
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Run now: report' }));
    expect((await screen.findByRole('status')).textContent).toBe("'report' succeeded.");
    expect(fake.callsTo('tasks:runNow')).toEqual([{ id: 'b' }]);
  });

  it('disables a task with its switch and shows the new state', async () => {
    renderTasks();
    await screen.findByRole('table');
    const toggle = screen.getByRole('switch', { name: 'Enabled: backup' });
    expect(toggle).toHaveProperty('checked', true);
    fireEvent.click(toggle);
    await waitFor(() =>
      expect(screen.getByRole('switch', { name: 'Enabled: backup' })).toHaveProperty(
        'checked',
        false,
      ),
    );
  });

  it('deletes only after confirmation', async () => {
    const fake = renderTasks();
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Delete: backup' }));
    const dialog = screen.getByRole('alertdialog', { name: "Delete 'backup'?" });
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.callsTo('tasks:delete')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Delete: backup' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete task' }));
    await waitFor(() => expect(screen.queryByRole('row', { name: /^backup/ })).toBeNull());
    expect(fake.callsTo('tasks:delete')).toEqual([{ id: 'a' }]);
  });

  it('says what a failed action was and why', async () => {
    renderTasks({ 'tasks:runNow': undefined });
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Run now: backup' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "Could not run 'backup': tasks:runNow is not available yet.",
    );
  });

  it('explains what a task is when there are none', async () => {
    renderTasks({ 'tasks:list': () => [] });
    expect((await screen.findByTestId('tasks-empty')).textContent).toMatch(/No tasks yet/);
    expect(screen.getByRole('link', { name: 'Create your first task' }).getAttribute('href')).toBe(
      '#/tasks/new',
    );
  });

  it('shows the error when the list cannot be loaded, and retries on request', async () => {
    let fail = true;
    renderTasks({
      'tasks:list': () => {
        if (fail) throw new Error('Could not complete tasks:list: disk full');
        return tasks;
      },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('disk full');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table');
  });

  it('refetches when the service says a task changed, without polling', async () => {
    let list = tasks.slice(0, 1);
    const fake = renderTasks({ 'tasks:list': () => list });
    await screen.findByRole('table');
    const before = fake.callsTo('tasks:list').length;
    list = tasks;
    fake.emit('task:changed', { taskId: 'b', deleted: false });
    await waitFor(() => expect(rowOf('report')).toBeTruthy());
    expect(fake.callsTo('tasks:list').length).toBe(before + 1);
  });
});
