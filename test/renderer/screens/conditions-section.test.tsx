// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { RequestOf, SchedulePreview } from '../../../main/api/contract.js';
import { taskView } from '../fake-api.js';
import type { FakeHandlers } from '../fake-api.js';
import { refusingOnce, renderEditorWith } from './editor-harness.js';

afterEach(cleanup);

/** The service's answer in miniature: one run and a sentence naming the conditions it was sent. */
function previewOf(request: RequestOf<'tasks:preview'>): SchedulePreview {
  const c = request.conditions;
  return {
    description: 'At 03:00',
    timezone: 'UTC',
    runs: [{ at: 0, taskTime: '2026-06-02 03:00:00 UTC', localTime: '2026-06-02 03:00:00 UTC' }],
    dstNotes: [],
    ...(c
      ? {
          conditionNotes: [
            `Conditions: ${c.acPower ? 'only on AC power' : 'any power'}; waits up to ${String(c.deadlineMs)} ms.`,
          ],
        }
      : {}),
  };
}

const renderEditor = (handlers: FakeHandlers, taskId: string) =>
  renderEditorWith(previewOf, handlers, taskId);

const save = () => screen.getByRole('button', { name: 'Save' });
const checkbox = (label: string) => screen.getByLabelText<HTMLInputElement>(label);

const stored = taskView({
  id: 'abc',
  conditions: {
    acPower: true,
    network: { url: 'https://backup.example/', timeoutMs: 5000 },
    idleMinutes: 0,
    policy: 'wait',
    deadlineMs: 7_200_000,
  },
});

describe('the editor\'s "Conditions" section', () => {
  it("shows a task's conditions and the preview's sentence, keeps them on an unchanged save, and unticking them all sends null", async () => {
    const { fake, onSaved } = renderEditor(
      { 'tasks:get': () => stored, 'tasks:update': () => stored },
      'abc',
    );
    expect((await screen.findByLabelText<HTMLInputElement>('Only on AC power')).checked).toBe(true);
    expect(checkbox('Only when the network is up').checked).toBe(true);
    expect(checkbox('URL that must answer (optional)').value).toBe('https://backup.example/');
    expect(checkbox('Never while I am active').checked).toBe(true);
    expect(checkbox('Wait at most').value).toBe('2');
    expect(screen.getByLabelText<HTMLSelectElement>('Unit of the wait').value).toBe('hours');
    expect(
      await screen.findByText('Conditions: only on AC power; waits up to 7200000 ms.'),
    ).toBeTruthy();

    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(fake.callsTo('tasks:update').at(-1)?.patch.conditions).toEqual(stored.conditions);

    fireEvent.click(checkbox('Only on AC power'));
    fireEvent.click(checkbox('Only when the network is up'));
    fireEvent.click(checkbox('Whether or not I am using the computer'));
    expect(screen.queryByLabelText('Wait at most')).toBeNull();
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(2));
    expect(fake.callsTo('tasks:update').at(-1)?.patch.conditions).toBeNull();
  });

  it("shows the service's refusal of a short wait under the deadline, and a new deadline is sent in the chosen unit", async () => {
    const { fake, onSaved } = renderEditor(
      {
        'tasks:get': () => stored,
        'tasks:update': refusingOnce(
          'conditions.deadlineMs',
          'the wait deadline (1 min) is shorter than the grace period (5 min)',
          stored,
        ),
      },
      'abc',
    );
    fireEvent.change(await screen.findByLabelText('Wait at most'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Unit of the wait'), { target: { value: 'minutes' } });
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    const error = await screen.findByText(
      'the wait deadline (1 min) is shorter than the grace period (5 min)',
    );
    expect(error.id).toBe('f-conditions-deadlineMs-error');
    expect(screen.getByLabelText('Wait at most').getAttribute('aria-describedby')).toContain(
      error.id,
    );
    fireEvent.change(screen.getByLabelText('Wait at most'), { target: { value: '10' } });
    expect(screen.queryByTestId('error-f-conditions-deadlineMs-error')).toBeNull();
    await waitFor(() => expect(save()).toHaveProperty('disabled', false));
    fireEvent.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(fake.callsTo('tasks:update').at(-1)?.patch.conditions).toMatchObject({
      deadlineMs: 600_000,
    });
  });
});
