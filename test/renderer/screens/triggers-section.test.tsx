// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../../main/api/channel.js';
import type { RequestOf, SchedulePreview } from '../../../main/api/contract.js';
import { taskView } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';
import { renderEditorWith } from './editor-harness.js';

afterEach(cleanup);

const AT = Date.UTC(2026, 5, 2, 7);

/** The service's answer in miniature: one run, its delay range, and a note per trigger. */
function previewOf(request: RequestOf<'tasks:preview'>): SchedulePreview {
  const jitter = request.triggers?.jitterSec ?? 0;
  return {
    description: 'At 09:00',
    timezone: 'Europe/Berlin',
    runs: [
      {
        at: AT,
        taskTime: '2026-06-02 09:00:00 CEST',
        localTime: '2026-06-02 07:00:00 UTC',
        ...(jitter > 0
          ? { latestAt: AT + jitter * 1000, latestTaskTime: '2026-06-02 09:10:00 CEST' }
          : {}),
      },
    ],
    dstNotes: [],
    triggerNotes: (request.triggers?.schedules ?? []).map((_, i) => `note for schedule ${i + 2}`),
  };
}

const renderEditor = (handlers: FakeHandlers = {}, taskId: string | null = null) =>
  renderEditorWith(previewOf, handlers, taskId);

const type = (label: string | RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const save = () => screen.getByRole('button', { name: 'Save' });

describe('the editor\'s "More triggers" section', () => {
  it('sends a second schedule, a quiet window, a random delay and an event, and the preview shows them', async () => {
    const { fake, onSaved } = renderEditor({
      'tasks:create': (input) => taskView({ name: input.name }),
    });
    type('Name', 'backup');
    type('Program', 'echo');
    fireEvent.click(screen.getByRole('button', { name: 'Add a schedule' }));
    type('Schedule 2: cron pattern', '0 11 * * 6');
    fireEvent.click(screen.getByRole('button', { name: 'Add a quiet window' }));
    type('From', '22:00');
    type('To (before From: over midnight)', '06:00');
    fireEvent.change(screen.getByLabelText('Runs due inside a quiet window'), {
      target: { value: 'defer' },
    });
    type('Random delay, up to this many seconds (0: none)', '600');
    fireEvent.click(screen.getByLabelText('Also run after the machine wakes from sleep'));
    expect(await screen.findByText('note for schedule 2')).toBeTruthy();
    expect(screen.getByText('2026-06-02 09:00:00 CEST to 09:10:00 CEST')).toBeTruthy();
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:create')[0]?.triggers).toEqual({
      schedules: [{ schedule: { kind: 'cron', pattern: '0 11 * * 6' } }],
      jitterSec: 600,
      quiet: { windows: [{ kind: 'daily', from: '22:00', to: '06:00' }], policy: 'defer' },
      events: ['wake'],
      eventsOnly: false,
      after: [],
    });
  });

  it('offers every kind for a further schedule: an interval and a single date are sent as such', async () => {
    const { fake, onSaved } = renderEditor({
      'tasks:create': (input) => taskView({ name: input.name }),
    });
    type('Name', 'sync');
    type('Program', 'echo');
    fireEvent.click(screen.getByRole('button', { name: 'Add a schedule' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add a schedule' }));
    type('Schedule 2: kind', 'interval');
    expect(screen.queryByLabelText('Schedule 2: cron pattern')).toBeNull();
    type('Schedule 2: every', '90');
    type('Schedule 2: unit', 'minutes');
    type('Schedule 3: kind', 'once');
    type("Schedule 3: date and time (this computer's time)", '2027-01-15T07:30');
    expect(await screen.findByText('note for schedule 3')).toBeTruthy();
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:create')[0]?.triggers?.schedules).toEqual([
      { schedule: { kind: 'interval', everyMs: 90 * 60_000 } },
      { schedule: { kind: 'once', at: new Date('2027-01-15T07:30').getTime() } },
    ]);
  });

  it('shows a stored interval and single date in their own fields, and keeps an interval with an end as it is', async () => {
    const at = new Date('2027-03-01T18:45').getTime();
    const bounded = { schedule: { kind: 'interval' as const, everyMs: 60_000, until: at } };
    const stored = taskView({
      id: 'abc',
      triggers: {
        schedules: [
          { schedule: { kind: 'interval', everyMs: 7_200_000 } },
          { schedule: { kind: 'once', at } },
          bounded,
        ],
        jitterSec: 0,
        quiet: { windows: [], policy: 'skip' },
        events: [],
        eventsOnly: false,
        after: [],
      },
    });
    const { fake, onSaved } = renderEditor(
      { 'tasks:get': () => stored, 'tasks:update': () => stored },
      'abc',
    );
    const every = await screen.findByLabelText<HTMLInputElement>('Schedule 2: every');
    expect(every.value).toBe('2');
    expect(screen.getByLabelText<HTMLSelectElement>('Schedule 2: unit').value).toBe('hours');
    expect(
      screen.getByLabelText<HTMLInputElement>("Schedule 3: date and time (this computer's time)")
        .value,
    ).toBe('2027-03-01T18:45');
    expect(screen.queryByLabelText('Schedule 4: kind')).toBeNull();
    type('Schedule 2: every', '3');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update').at(-1)?.patch.triggers?.schedules).toEqual([
      { schedule: { kind: 'interval', everyMs: 10_800_000 } },
      { schedule: { kind: 'once', at } },
      bounded,
    ]);
  });

  it('keeps the tasks a task runs after when its other triggers are edited and saved', async () => {
    const stored = taskView({
      id: 'abc',
      triggers: {
        schedules: [],
        jitterSec: 0,
        quiet: { windows: [], policy: 'skip' },
        events: [],
        eventsOnly: true,
        after: [{ taskId: 'backup-id', when: 'failure' }],
      },
    });
    const { fake, onSaved } = renderEditor(
      { 'tasks:get': () => stored, 'tasks:update': () => stored },
      'abc',
    );
    await screen.findByLabelText('Random delay, up to this many seconds (0: none)');
    type('Random delay, up to this many seconds (0: none)', '30');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update').at(-1)?.patch.triggers).toMatchObject({
      jitterSec: 30,
      eventsOnly: true,
      after: [{ taskId: 'backup-id', when: 'failure' }],
    });
  });

  it("loads a task's triggers, shows the service's refusal on the window's field, and removing them all sends null", async () => {
    const stored = taskView({
      id: 'abc',
      triggers: {
        schedules: [],
        jitterSec: 0,
        quiet: {
          windows: [{ kind: 'weekly', days: [6, 0], from: '08:00', to: '12:00' }],
          policy: 'skip',
        },
        events: [],
        eventsOnly: false,
        after: [],
      },
    });
    let refuse = true;
    const { fake, onSaved } = renderEditor(
      {
        'tasks:get': () => stored,
        'tasks:update': () => {
          if (refuse) {
            refuse = false;
            throw new ApiError({
              code: 'invalid',
              message: 'the quiet window starts and ends at 08:00',
              field: 'triggers.quiet.windows.0.to',
            });
          }
          return stored;
        },
      },
      'abc',
    );
    expect((await screen.findByLabelText<HTMLInputElement>('From')).value).toBe('08:00');
    expect(screen.getByLabelText<HTMLInputElement>('Sat').checked).toBe(true);
    type('To (before From: over midnight)', '08:00');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    expect(await screen.findByText('the quiet window starts and ends at 08:00')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove quiet window 1' }));
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update').at(-1)?.patch.triggers).toBeNull();
  });
});
