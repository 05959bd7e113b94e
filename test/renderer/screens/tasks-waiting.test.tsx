// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { TasksScreen } from '../../../renderer/src/screens/tasks/tasks-screen.js';
import { fakeApi, taskView } from '../fake-api.js';

afterEach(cleanup);

describe('a run waiting for its conditions in the tasks list', () => {
  it('shows what the run waits for beside the next run', async () => {
    const fake = fakeApi({
      'tasks:list': () => [
        taskView({ id: 'a', name: 'laptop-backup', waitingFor: 'waiting for AC power' }),
        taskView({ id: 'b', name: 'report' }),
      ],
    });
    render(
      <ApiProvider api={fake.api}>
        <TasksScreen />
      </ApiProvider>,
    );
    await screen.findByRole('table');
    const row = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name}\\b`) });
    expect(row('laptop-backup').textContent).toContain('waiting for AC power');
    expect(row('report').textContent).not.toContain('waiting for');
  });
});
