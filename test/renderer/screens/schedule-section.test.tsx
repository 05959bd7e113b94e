// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../../../main/api/channel.js';
import type { RequestOf, SchedulePreview } from '../../../main/api/contract.js';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { checkCronPattern } from '../../../main/core/schedule/cron-check.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { TaskEditor } from '../../../renderer/src/screens/editor/task-editor.js';
import { fakeApi } from '../fake-api.js';

afterEach(cleanup);

const cache = new CronCache();

/** The preview answers with the engine's own pattern check, so refusals read as they will. */
function previewOf(request: RequestOf<'tasks:preview'>): SchedulePreview {
  if (request.schedule.kind === 'cron') {
    const { pattern, dayMatch } = request.schedule;
    const problem = checkCronPattern(cache, pattern, dayMatch ?? 'or', 'UTC', Date.now());
    if (problem)
      throw new ApiError({ code: 'invalid', message: problem.message, field: 'schedule.pattern' });
  }
  return { description: 'ok', timezone: 'UTC', runs: [], dstNotes: [] };
}

function renderEditor() {
  const fake = fakeApi({ 'tasks:preview': previewOf });
  render(
    <ApiProvider api={fake.api}>
      <TaskEditor taskId={null} onSaved={() => undefined} previewDelayMs={0} />
    </ApiProvider>,
  );
}

function type(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

const inputValue = (label: string) => screen.getByLabelText<HTMLInputElement>(label).value;

describe('schedule section', () => {
  it('offers, for a pasted crontab line, to put its time fields in the pattern and its command in the action', async () => {
    renderEditor();
    type('Name', 'backup');
    type('Cron pattern', '0 5 * * 1-5 /usr/bin/backup.sh --full');

    const offer = await screen.findByTestId('crontab-line-offer');
    expect(offer.textContent).toContain('the schedule is 0 5 * * 1-5');
    expect(offer.textContent).toContain('the command is /usr/bin/backup.sh --full');
    expect(screen.queryByText(/illegal characters|configuration entry/)).toBeNull();

    fireEvent.click(within(offer).getByRole('button'));

    expect(inputValue('Cron pattern')).toBe('0 5 * * 1-5');
    expect(inputValue('Mode')).toBe('script');
    expect(inputValue('Shell')).toBe('sh');
    expect(inputValue('Script')).toBe('/usr/bin/backup.sh --full');
    expect(screen.queryByTestId('crontab-line-offer')).toBeNull();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false),
    );
  });

  it('says when taking the command replaces an action already filled in, and passes on the line’s notes', async () => {
    renderEditor();
    type('Program', '/usr/bin/other');
    type('Cron pattern', '17 * * * * root run-parts /etc/cron.hourly');
    const offer = await screen.findByTestId('crontab-line-offer');
    expect(offer.textContent).toContain('replaces the task’s current action');
    expect(offer.textContent).toContain("The user column 'root' of a system crontab is left out");
    fireEvent.click(within(offer).getByRole('button'));
    expect(inputValue('Script')).toBe('run-parts /etc/cron.hourly');
  });

  it('shows a refused pattern as a sentence naming the field', async () => {
    renderEditor();
    type('Cron pattern', '61 * * * *');
    expect(await screen.findByText('Minute 61 does not exist: minutes run 0–59.')).toBeTruthy();
    expect(screen.queryByTestId('crontab-line-offer')).toBeNull();
  });
});
