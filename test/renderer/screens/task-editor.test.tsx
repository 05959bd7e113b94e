// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../../main/api/channel.js';
import type { RequestOf, SchedulePreview } from '../../../main/api/contract.js';
import { taskView } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';
import { renderEditorWith } from './editor-harness.js';

afterEach(cleanup);

const AT = Date.UTC(2026, 2, 29, 0, 30);

function previewOf(request: RequestOf<'tasks:preview'>): SchedulePreview {
  const pattern = request.schedule.kind === 'cron' ? request.schedule.pattern : '';
  if (pattern.startsWith('61')) {
    throw new ApiError({
      code: 'invalid',
      message: 'Minute 61 does not exist: minutes run 0–59.',
      field: 'schedule.pattern',
    });
  }
  return {
    description: `service says: ${pattern}`,
    timezone: request.timezone ?? 'Europe/Berlin',
    runs: [0, 1, 2, 3, 4].map((i) => ({
      at: AT + i * 3600_000,
      taskTime: `task-time-${i}`,
      localTime: `local-time-${i}`,
    })),
    dstNotes: ['Clocks go forward at 02:00 on 29 Mar 2026: the 02:30 run is skipped'],
  };
}

const renderEditor = (handlers: FakeHandlers = {}, taskId: string | null = null) =>
  renderEditorWith(previewOf, handlers, taskId);

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

const save = () => screen.getByRole('button', { name: 'Save' });

describe('task editor', () => {
  it('a bad cron pattern shows the service error next to the field and Save stays disabled', async () => {
    renderEditor();
    type('Name', 'backup');
    type('Program', 'echo');
    type('Cron pattern', '61 * * * *');

    // The file's first render is slow on a busy machine; the default 1 s wait is not enough there.
    const error = await screen.findByText(
      'Minute 61 does not exist: minutes run 0–59.',
      {},
      { timeout: 5_000 },
    );
    expect(error.id).toBe('f-schedule-pattern-error');
    expect(screen.getByLabelText('Cron pattern').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Cron pattern').getAttribute('aria-describedby')).toContain(
      'f-schedule-pattern-error',
    );
    expect(save()).toHaveProperty('disabled', true);

    type('Cron pattern', '0 9 * * *');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    expect(screen.queryByText(/has minute 61/)).toBeNull();
  });

  it('previews the next five runs in task time and local time, with the DST notes', async () => {
    renderEditor();
    type('Cron pattern', '30 2 * * *');
    const preview = await screen.findByTestId('schedule-preview');
    expect(preview.textContent).toContain('service says: 30 2 * * *');
    for (let i = 0; i < 5; i++) {
      expect(preview.textContent).toContain(`task-time-${i}`);
      expect(preview.textContent).toContain(`local-time-${i}`);
    }
    expect(screen.getByRole('list', { name: 'Daylight saving notes' }).textContent).toContain(
      'Clocks go forward',
    );
    expect(screen.getByTestId('cron-description').textContent).toBe('At 02:30');
  });

  it('asks for the preview in the chosen time zone', async () => {
    const { fake } = renderEditor();
    type('Time zone', 'Asia/Tokyo');
    await screen.findByText('Task time (Asia/Tokyo)');
    expect(fake.callsTo('tasks:preview').at(-1)).toMatchObject({
      timezone: 'Asia/Tokyo',
      count: 5,
    });
  });

  it('presets fill in the pattern, including a chosen time for weekdays', async () => {
    renderEditor();
    const pattern = screen.getByLabelText<HTMLInputElement>('Cron pattern');
    fireEvent.click(screen.getByRole('button', { name: 'Every minute' }));
    expect(pattern.value).toBe('* * * * *');
    fireEvent.click(screen.getByRole('button', { name: 'Hourly' }));
    expect(pattern.value).toBe('0 * * * *');
    fireEvent.click(screen.getByRole('button', { name: 'Daily at 09:00' }));
    expect(pattern.value).toBe('0 9 * * *');
    type('Preset time', '07:30');
    fireEvent.click(screen.getByRole('button', { name: 'Weekdays at 07:30' }));
    expect(pattern.value).toBe('30 7 * * 1-5');
    expect(screen.getByTestId('cron-description').textContent).toBe(
      'At 07:30, Monday through Friday',
    );
    await screen.findByText('service says: 30 7 * * 1-5');
  });

  it('keeps Save disabled until the required fields are filled, and says what is missing', async () => {
    renderEditor();
    await screen.findByTestId('schedule-preview');
    expect(save()).toHaveProperty('disabled', true);
    expect(screen.getByTestId('save-blockers').textContent).toMatch(/name/);
    type('Name', 'backup');
    expect(save()).toHaveProperty('disabled', true);
    expect(screen.getByTestId('save-blockers').textContent).toMatch(/program is required/);
    type('Program', 'echo');
    expect(save()).toHaveProperty('disabled', false);
    type('Name', '../escape');
    expect(screen.getByTestId('error-f-name-error').textContent).toMatch(/name may hold letters/);
    expect(save()).toHaveProperty('disabled', true);
  });

  it('saves a shell task through tasks:create, with secret variables typed masked', async () => {
    const { fake, onSaved } = renderEditor({
      'tasks:create': (input) => taskView({ name: input.name }),
    });
    type('Name', 'greet');
    type('Program', 'echo');
    type('Arguments (one per line)', 'hello\nworld');
    fireEvent.click(screen.getByRole('button', { name: 'Add variable' }));
    type('variable 1 name', 'TOKEN');
    type('variable 1 value', 's3cret');
    expect(screen.getByLabelText('variable 1 value').getAttribute('type')).toBe('password');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:create')[0]).toMatchObject({
      name: 'greet',
      schedule: { kind: 'cron', pattern: '*/5 * * * *' },
      action: {
        kind: 'shell',
        mode: 'exec',
        program: 'echo',
        args: ['hello', 'world'],
        env: [{ name: 'TOKEN', value: 's3cret', secret: true }],
      },
      overlap: 'skip',
      resultCache: null,
    });
  });

  it('shows an error from the service next to its field when saving fails', async () => {
    renderEditor({
      'tasks:create': () => {
        throw new ApiError({
          code: 'conflict',
          message: "A task named 'greet' already exists in home / nightly; choose another name.",
          field: 'name',
        });
      },
    });
    type('Name', 'greet');
    type('Program', 'echo');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    const fieldError = await screen.findByTestId('error-f-name-error');
    expect(fieldError.textContent).toContain('already exists');
    expect(screen.getByRole('alert').textContent).toContain('The task was not saved');
    type('Name', 'greet2');
    expect(screen.queryByTestId('error-f-name-error')).toBeNull();
  });

  it('a preview the service cannot give yet is a warning, not a reason to refuse Save', async () => {
    renderEditor({
      'tasks:preview': () => {
        throw new ApiError({
          code: 'unavailable',
          message: 'tasks:preview is not available yet.',
        });
      },
    });
    type('Name', 'greet');
    type('Program', 'echo');
    expect((await screen.findByTestId('preview-error')).textContent).toContain(
      'cannot be previewed right now',
    );
    expect(save()).toHaveProperty('disabled', false);
  });

  it('edits an existing task and sends the whole definition as a patch', async () => {
    const task = taskView({
      id: 'abc',
      name: 'backup',
      schedule: { kind: 'interval', everyMs: 15 * 60_000 },
      timezone: 'Europe/Berlin',
      action: {
        kind: 'http',
        method: 'POST',
        url: 'https://example.com/hook',
        headers: [{ name: 'Authorization', value: '••••••••', secret: true }],
        expectStatus: { min: 200, max: 299 },
      },
    });
    const { fake, onSaved } = renderEditor(
      {
        'tasks:get': () => task,
        'tasks:update': ({ patch }) => ({ ...task, name: patch.name ?? task.name }),
        'tasks:preview': (r) => ({ ...previewOf(r), description: 'every 15 minutes' }),
      },
      'abc',
    );
    expect((await screen.findByLabelText<HTMLInputElement>('Every')).value).toBe('15');
    expect(screen.getByLabelText<HTMLSelectElement>('Unit').value).toBe('minutes');
    expect(screen.getByLabelText<HTMLInputElement>('URL').value).toBe('https://example.com/hook');
    expect(screen.getByLabelText('header 1 value').getAttribute('type')).toBe('password');
    type('Name', 'backup2');
    await screen.findByText('every 15 minutes');
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update')[0]).toMatchObject({
      id: 'abc',
      patch: {
        name: 'backup2',
        timezone: 'Europe/Berlin',
        schedule: { kind: 'interval', everyMs: 900_000 },
        action: {
          kind: 'http',
          headers: [{ name: 'Authorization', value: '••••••••', secret: true }],
        },
      },
    });
  });

  it('a locked task says why in a sentence and keeps its action out of the form', async () => {
    const reason =
      'its action cannot be decrypted: this entry was encrypted with another key; re-enter the action';
    renderEditor({ 'tasks:get': () => taskView({ locked: reason, action: null }) }, 'task-1');
    expect((await screen.findByRole('alert')).textContent).toBe(
      `This task is locked: ${reason}. Its action is kept as it is; the rest of the task can still be edited.`,
    );
  });

  it('says why when the task cannot be loaded', async () => {
    renderEditor({}, 'missing');
    expect((await screen.findByRole('alert')).textContent).toContain(
      'tasks:get is not available yet',
    );
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('"Run on" a cluster queue sends the queue, and an odd queue name keeps Save disabled', async () => {
    const { fake, onSaved } = renderEditor({
      'tasks:create': (input) => taskView({ name: input.name }),
    });
    type('Name', 'nightly-report');
    type('Program', 'echo');
    fireEvent.change(screen.getByLabelText('Run on'), { target: { value: 'cluster' } });
    type('Cluster queue (e.g. nightly)', 'night shift/1');
    expect(
      (await screen.findAllByText(/queue must be 1-48 letters, digits/)).length,
    ).toBeGreaterThan(0);
    expect(save()).toHaveProperty('disabled', true);
    type('Cluster queue (e.g. nightly)', 'nightly');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:create')[0]).toMatchObject({
      runOn: { kind: 'cluster', queue: 'nightly' },
    });
  });
});
