// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../main/api/channel.js';
import type { SchedulerStatus } from '../../main/api/contract.js';
import { untilWords } from '../../main/api/until-words.js';
import { App } from '../../renderer/src/app.js';
import { fakeApi } from './fake-api.js';
import { schedulerStatus } from '../support/scheduler-status.js';

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const status: SchedulerStatus = schedulerStatus(0, {
  running: true,
  sessionId: 's1',
  startedAt: 0,
  tasks: 0,
  enabledTasks: 0,
  testMode: true,
});

/** Next year's 3 December 08:00 on this computer's clock. */
const year = new Date().getFullYear() + 1;
const UNTIL = new Date(year, 11, 3, 8, 0).getTime();

describe('"Do not run until" in the window', () => {
  it('sets the time from a keyboard-reachable date-time field and then offers "Run now again"', async () => {
    const held = { ...status, doNotRunUntil: { from: Date.now(), until: UNTIL } };
    const fake = fakeApi({
      'scheduler:status': () => status,
      'scheduler:until': ({ until }) => (until === null ? status : held),
      'tasks:list': () => [],
    });
    render(<App api={fake.api} />);
    const field = await screen.findByLabelText('Do not run until');
    field.focus();
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: `${year}-12-03T08:00` } });
    fireEvent.click(screen.getByRole('button', { name: 'Set' }));
    const shown = await screen.findByTestId('do-not-run-until');
    expect(shown.textContent).toContain(
      `Not running until ${untilWords(UNTIL, Date.now(), 'short')}`,
    );
    expect(shown.textContent).toContain('08:00');
    expect(fake.callsTo('scheduler:until')).toEqual([{ until: UNTIL }]);
    fireEvent.click(screen.getByRole('button', { name: 'Run now again' }));
    await screen.findByLabelText('Do not run until');
    expect(fake.callsTo('scheduler:until').at(-1)).toEqual({ until: null });
  });

  it("shows the service's refusal under the field", async () => {
    const fake = fakeApi({
      'scheduler:status': () => status,
      'scheduler:until': () => {
        throw new ApiError({
          code: 'invalid',
          field: 'until',
          message:
            'until: 2020-01-01T00:00:00.000Z is not in the future; choose a later date and time',
        });
      },
      'tasks:list': () => [],
    });
    render(<App api={fake.api} />);
    fireEvent.change(await screen.findByLabelText('Do not run until'), {
      target: { value: '2020-01-01T00:00' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Set' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('is not in the future'),
    );
    expect(fake.callsTo('scheduler:until')).toHaveLength(1);
  });
});
