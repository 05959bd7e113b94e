// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { RequestOf, SchedulePreview } from '../../../main/api/contract.js';
import type { TaskTriggers } from '../../../main/core/model/triggers.js';
import { taskView } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';
import { refusingOnce, renderEditorWith } from './editor-harness.js';

afterEach(cleanup);

const AT = Date.UTC(2026, 5, 2, 7);
const TASKS = [
  taskView({ id: 'id-backup', name: 'backup' }),
  taskView({ id: 'id-sync', name: 'sync' }),
  taskView({ id: 'id-report', name: 'report' }),
];
const WORDS = { success: 'succeeds', failure: 'fails (or times out)', finish: 'finishes' };

/** The service's chain sentence in miniature, with names looked up as the service does. */
function previewOf(request: RequestOf<'tasks:preview'>): SchedulePreview {
  const after = request.triggers?.after ?? [];
  const name = (id: string) => TASKS.find((t) => t.id === id)?.name ?? id;
  return {
    description: 'At 09:00',
    timezone: 'Europe/Berlin',
    runs: [{ at: AT, taskTime: '2026-06-02 09:00:00 CEST', localTime: '07:00 UTC' }],
    dstNotes: [],
    triggerNotes: after.length
      ? [
          `Runs ${after.map((l) => `after '${name(l.taskId)}' ${WORDS[l.when ?? 'success']}`).join(' and ')}.`,
        ]
      : [],
  };
}

const renderEditor = (handlers: FakeHandlers = {}, taskId: string | null = null) =>
  renderEditorWith(previewOf, { 'tasks:list': () => TASKS, ...handlers }, taskId);
const type = (label: string | RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const save = () => screen.getByRole('button', { name: 'Save' });
const optionsOf = (label: string) =>
  within(screen.getByLabelText(label))
    .getAllByRole('option')
    .map((o) => o.textContent);

function triggersWith(after: TaskTriggers['after']): TaskTriggers {
  return {
    schedules: [],
    jitterSec: 0,
    quiet: { windows: [], policy: 'skip' },
    events: [],
    eventsOnly: false,
    after,
  };
}

describe('"After another task" in the editor', () => {
  it('picks two tasks by name with when each counts, says so in the preview, and saves them', async () => {
    const { fake, onSaved } = renderEditor({
      'tasks:create': (input) => taskView({ name: input.name }),
    });
    type('Name', 'archive');
    type('Program', 'echo');
    fireEvent.click(screen.getByRole('button', { name: 'Add a task to run after' }));
    await waitFor(() =>
      expect(optionsOf('Run after task (entry 1)')).toEqual([
        'Choose a task…',
        'backup',
        'report',
        'sync',
      ]),
    );
    // Not chosen yet: Save says what is missing, and the preview still shows the schedule.
    expect(save()).toHaveProperty('disabled', true);
    expect(screen.getByTestId('save-blockers').textContent).toContain(
      'choose the task this one runs after',
    );
    type('Run after task (entry 1)', 'id-backup');
    fireEvent.click(screen.getByRole('button', { name: 'Add a task to run after' }));
    // A task already picked is not offered twice.
    expect(optionsOf('Run after task (entry 2)')).toEqual(['Choose a task…', 'report', 'sync']);
    type('Run after task (entry 2)', 'id-sync');
    type('When that task (entry 2)', 'failure');
    expect(
      await screen.findByText(
        "Runs after 'backup' succeeds and after 'sync' fails (or times out).",
      ),
    ).toBeTruthy();
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:create')[0]?.triggers?.after).toEqual([
      { taskId: 'id-backup', when: 'success' },
      { taskId: 'id-sync', when: 'failure' },
    ]);
  });

  it('does not offer the task being edited, names a deleted task as such, and removing it saves the rest', async () => {
    const stored = taskView({
      id: 'id-sync',
      name: 'sync',
      triggers: triggersWith([
        { taskId: 'id-gone', when: 'finish' },
        { taskId: 'id-backup', when: 'success' },
      ]),
    });
    const { fake, onSaved } = renderEditor(
      { 'tasks:get': () => stored, 'tasks:update': () => stored },
      'id-sync',
    );
    await waitFor(() =>
      expect(optionsOf('Run after task (entry 1)')).toEqual([
        'Choose a task…',
        'A deleted or unknown task (id id-gone)',
        'report',
      ]),
    );
    expect(screen.getByLabelText<HTMLSelectElement>('When that task (entry 1)').value).toBe(
      'finish',
    );
    expect(screen.getByTestId('error-f-triggers-after-0-taskId-error').textContent).toContain(
      "there is no task with id 'id-gone'",
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove entry 1' }));
    expect(screen.getByLabelText<HTMLSelectElement>('Run after task (entry 1)').value).toBe(
      'id-backup',
    );
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update').at(-1)?.patch.triggers?.after).toEqual([
      { taskId: 'id-backup', when: 'success' },
    ]);
  });

  it("shows the service's loop sentence under the entry it names, and it clears when that entry changes", async () => {
    const stored = taskView({ id: 'id-sync', name: 'sync', triggers: triggersWith([]) });
    const loop =
      "'sync' → 'report' → 'sync' would run forever: each would start the next again; remove one of these links";
    renderEditor(
      {
        'tasks:get': () => stored,
        'tasks:update': refusingOnce('triggers.after.0.taskId', loop, stored),
      },
      'id-sync',
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Add a task to run after' }));
    await waitFor(() => expect(optionsOf('Run after task (entry 1)')).toContain('report'));
    type('Run after task (entry 1)', 'id-report');
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    const error = await screen.findByTestId('error-f-triggers-after-0-taskId-error');
    expect(error.textContent).toBe(loop);
    expect(
      screen.getByLabelText('Run after task (entry 1)').getAttribute('aria-describedby'),
    ).toContain('f-triggers-after-0-taskId-error');
    type('Run after task (entry 1)', 'id-backup');
    expect(screen.queryByText(loop)).toBeNull();
  });

  it('every control of an entry is a labelled native control, in reading order for Tab', async () => {
    renderEditor();
    fireEvent.click(await screen.findByRole('button', { name: 'Add a task to run after' }));
    const section = screen.getByRole('group', { name: 'More triggers' });
    const entry = within(section).getByRole('group', { name: 'Run after, entry 1' });
    const focusable = [...entry.querySelectorAll('select, button, input')];
    expect(focusable.map((e) => e.tagName)).toEqual(['SELECT', 'SELECT', 'BUTTON']);
    for (const e of focusable) expect(e.getAttribute('tabindex')).toBeNull();
    const all = [...section.querySelectorAll('select, button, input')];
    expect(all.indexOf(focusable[2]!)).toBeLessThan(
      all.indexOf(within(section).getByRole('button', { name: 'Add a task to run after' })),
    );
  });

  it('says the list of tasks could not be loaded and still shows a stored entry by its id', async () => {
    const stored = taskView({
      id: 'id-sync',
      triggers: triggersWith([{ taskId: 'id-backup', when: 'success' }]),
    });
    renderEditorWith(previewOf, { 'tasks:get': () => stored }, 'id-sync');
    expect(await screen.findByText(/The list of tasks could not be loaded/)).toBeTruthy();
    expect(optionsOf('Run after task (entry 1)')).toContain('Task id-backup');
    expect(screen.getByLabelText<HTMLSelectElement>('Run after task (entry 1)').value).toBe(
      'id-backup',
    );
  });
});
