// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { SchedulerStatus, Settings } from '../../main/api/contract.js';
import { App } from '../../renderer/src/app.js';
import { fakeApi } from './fake-api.js';
import { schedulerStatus } from '../support/scheduler-status.js';

afterEach(() => {
  cleanup();
  window.location.hash = '';
  delete document.documentElement.dataset.theme;
});

const status: SchedulerStatus = schedulerStatus(0, {
  tasks: 0,
  enabledTasks: 0,
  vault: {
    backend: 'plaintext',
    secure: false,
    warning: 'TEST MODE: actions are stored unencrypted',
    entries: 0,
    locked: [],
  },
  testMode: true,
});

const settings: Settings = {
  startAtLogin: false,
  notifications: true,
  theme: 'dark',
  retention: { keepLast: 100, keepFailuresDays: 30 },
  globalConcurrency: 4,
};

describe('the app shell', () => {
  it('without a token, explains how to get in without naming developer commands', () => {
    render(<App api={null} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Crontray' })).toBeTruthy();
    const text = screen.getByRole('alert').textContent ?? '';
    expect(text).toContain('#token=');
    expect(text).toContain('started in headless mode');
    expect(text).not.toContain('npm');
  });

  it('shows the scheduler state, starts it, and follows scheduler:state events', async () => {
    const fake = fakeApi({
      'scheduler:status': () => status,
      'scheduler:start': () => ({ ...status, running: true }),
      'tasks:list': () => [],
    });
    render(<App api={fake.api} />);
    expect((await screen.findByTestId('scheduler-state')).textContent).toBe('Stopped');
    fireEvent.click(screen.getByRole('button', { name: 'Start scheduler' }));
    await waitFor(() => expect(screen.getByTestId('scheduler-state').textContent).toBe('Running'));
    act(() => fake.emit('scheduler:state', { ...status, running: false }));
    expect(screen.getByTestId('scheduler-state').textContent).toBe('Stopped');
    expect(screen.getByRole('button', { name: 'Start scheduler' })).toBeTruthy();
    expect((await screen.findByTestId('tasks-empty')).textContent).toContain('No tasks yet');
  });

  it('applies the saved theme to <html> and shows the vault warning and notices as dismissible banners', async () => {
    const fake = fakeApi({
      'scheduler:status': () => status,
      'settings:get': () => settings,
      'tasks:list': () => [],
    });
    render(<App api={fake.api} />);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect((await screen.findByTestId('vault-banner')).textContent).toContain('TEST MODE');
    act(() =>
      fake.emit('notice', {
        level: 'error',
        message: 'Store: config.json was unreadable and moved aside',
      }),
    );
    expect(screen.getByText('Store: config.json was unreadable and moved aside')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss notice' }));
    expect(screen.queryByText(/moved aside/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss vault warning' }));
    expect(screen.queryByTestId('vault-banner')).toBeNull();
  });

  it('navigates between screens with hash links and marks the current one', async () => {
    const fake = fakeApi({ 'scheduler:status': () => status, 'tasks:list': () => [] });
    render(<App api={fake.api} />);
    const nav = screen.getByRole('navigation', { name: 'Screens' });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('Tasks');
    act(() => {
      window.location.hash = '#/dashboard';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByRole('heading', { level: 2, name: 'Dashboard' })).toBeTruthy();
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('Dashboard');
    // Every screen says what failed instead of staying blank while the service cannot answer.
    expect(
      (await screen.findAllByRole('alert')).some((a) => a.textContent?.includes('history:stats')),
    ).toBe(true);
  });
});
