// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { UpdateStatus } from '../../../main/api/contract.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { UpdatesSection } from '../../../renderer/src/screens/settings/updates-section.js';
import { fakeApi } from '../fake-api.js';

afterEach(cleanup);

const idle: UpdateStatus = {
  state: 'idle',
  message: 'Crontray 1.0.0. Updates are checked every 6 hours.',
  version: null,
  checkedAt: null,
  canCheck: true,
};

describe('the Updates section of Settings', () => {
  it('checks for updates on request and says what came of it', async () => {
    const fake = fakeApi({
      'updates:status': () => idle,
      'updates:check': () => ({
        ...idle,
        state: 'failed',
        message:
          'Could not check for updates (net::ERR_NAME_NOT_RESOLVED). Crontray tries again in 6 hours, or check now.',
      }),
    });
    render(
      <ApiProvider api={fake.api}>
        <UpdatesSection />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('update-message')).textContent).toBe(idle.message);
    fireEvent.click(screen.getByRole('button', { name: 'Check for updates' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('net::ERR_NAME_NOT_RESOLVED'),
    );
    expect(fake.callsTo('updates:check')).toHaveLength(1);
  });

  it('shows a ready update as soon as the updater says so', async () => {
    let current = idle;
    const fake = fakeApi({ 'updates:status': () => current });
    render(
      <ApiProvider api={fake.api}>
        <UpdatesSection />
      </ApiProvider>,
    );
    await screen.findByTestId('update-message');
    current = {
      ...idle,
      state: 'ready',
      version: '1.1.0',
      canCheck: false,
      message: 'Crontray 1.1.0 is ready: it installs when you quit Crontray.',
    };
    fake.emit('updates:state', current);
    await waitFor(() =>
      expect(screen.getByTestId('update-message').textContent).toBe(current.message),
    );
    expect(screen.getByRole('button', { name: 'Check for updates' }).hasAttribute('disabled')).toBe(
      true,
    );
  });

  it('offers no button where this copy does not update itself', async () => {
    const fake = fakeApi({
      'updates:status': () => ({
        ...idle,
        state: 'off',
        canCheck: false,
        message:
          'This portable copy does not update itself: download the new version from the releases page.',
      }),
    });
    render(
      <ApiProvider api={fake.api}>
        <UpdatesSection />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('update-message')).textContent).toMatch(/portable copy/);
    expect(screen.queryByRole('button', { name: 'Check for updates' })).toBeNull();
  });
});
