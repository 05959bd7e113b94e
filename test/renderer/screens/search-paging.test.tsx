// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { RequestOf, SearchResult } from '../../../main/api/contract.js';
import { ApiProvider } from '../../../renderer/src/api/api-context.js';
import { HistoryScreen } from '../../../renderer/src/screens/history/history-screen.js';
import { fakeApi } from '../fake-api.js';

afterEach(cleanup);

const T0 = Date.UTC(2026, 0, 1);

/** `total` runs whose output says "disk full", newest first, served by offset and limit. */
function searchOf(total: number) {
  return (request: RequestOf<'history:search'>): SearchResult => {
    const offset = request.offset ?? 0;
    const end = Math.min(total, offset + (request.limit ?? 50));
    const hits: SearchResult['hits'] = [];
    for (let i = offset; i < end; i++) {
      const text = `run ${i}: disk full`;
      hits.push({
        run: {
          ...{ runId: `run-${i}`, taskId: 't1', project: 'home', group: 'nightly' },
          ...{ name: 'backup', sessionId: 's1', status: 'failed', trigger: 'schedule' },
          ...{
            scheduledFor: T0 - i * 60_000,
            startedAt: T0 - i * 60_000,
            endedAt: T0 - i * 60_000 + 500,
          },
          ...{ heartbeatAt: null, attempt: 1, firstRunId: null, exitCode: 1, httpStatus: null },
          ...{ error: null, fromCache: false, durationMs: 500 },
        },
        snippets: [{ field: 'output', text, matches: [[text.indexOf('disk'), text.length]] }],
      });
    }
    return { hits, total, indexing: null };
  };
}

function renderSearch(total: number) {
  const fake = fakeApi({
    'tasks:list': () => [],
    'history:sessions': () => ({ items: [], nextCursor: null, total: 0 }),
    'history:runs': () => ({ items: [], nextCursor: null, total: 0 }),
    'history:search': searchOf(total),
  });
  render(
    <ApiProvider api={fake.api}>
      <HistoryScreen run={null} />
    </ApiProvider>,
  );
  fireEvent.change(screen.getByLabelText('Search output'), { target: { value: 'disk' } });
  return fake;
}

const shownRuns = () =>
  screen
    .getByRole('list', { name: 'Search results' })
    .querySelectorAll('[role="listitem"] strong + .muted').length;

describe('search results a page at a time', () => {
  it('counts the page shown out of every match and moves on with the keyboard', async () => {
    const fake = renderSearch(1234);
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 1–50 of 1,234 match'),
    );
    expect(shownRuns()).toBe(50);
    const next = screen.getByRole('button', { name: /Next 50/ });
    const previous = screen.getByRole('button', { name: /Previous 50/ });
    expect((previous as HTMLButtonElement).disabled).toBe(true);
    // A button is reached with Tab and pressed with Enter or Space: the browser turns both into a click.
    next.focus();
    fireEvent.click(next);
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 51–100 of 1,234 match'),
    );
    expect(document.activeElement).toBe(next);
    expect(screen.getByRole('list', { name: 'Search results' }).textContent).toContain('run 50:');
    expect(fake.callsTo('history:search').at(-1)).toMatchObject({
      query: 'disk',
      offset: 50,
      limit: 50,
    });
    fireEvent.click(screen.getByRole('button', { name: /Previous 50/ }));
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 1–50 of 1,234 match'),
    );
  });

  it('stops at the last page, which holds what is left', async () => {
    renderSearch(120);
    const next = await screen.findByRole('button', { name: /Next 50/ });
    fireEvent.click(next);
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 51–100 of 120 match'),
    );
    fireEvent.click(next);
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 101–120 of 120 match'),
    );
    expect(shownRuns()).toBe(20);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: /Next 50/ }).disabled).toBe(true);
  });

  it('starts a new search at its first page', async () => {
    renderSearch(300);
    fireEvent.click(await screen.findByRole('button', { name: /Next 50/ }));
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 51–100 of 300 match'),
    );
    fireEvent.change(screen.getByLabelText('Search output'), { target: { value: 'disk full' } });
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('Runs 1–50 of 300 match'),
    );
  });

  it('shows no paging when every match fits on one page', async () => {
    renderSearch(3);
    await waitFor(() =>
      expect(screen.getByTestId('search-count').textContent).toBe('3 runs match'),
    );
    expect(screen.queryByRole('navigation', { name: 'Search result pages' })).toBeNull();
  });
});
