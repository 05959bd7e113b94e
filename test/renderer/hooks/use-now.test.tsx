// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { formatRelative } from '../../../renderer/src/format/time-format.js';
import { useNow } from '../../../renderer/src/hooks/use-now.js';

const START = Date.UTC(2026, 11, 1, 12, 0, 0);

/** One relative time, as the tasks table shows a next run. */
function NextRun({ at }: { at: number }) {
  const now = useNow([at]);
  return <time data-testid="next">{formatRelative(at, now)}</time>;
}

const shown = () => screen.getByTestId('next').textContent;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'Date'] });
  vi.setSystemTime(START);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Lets `ms` pass a second at a time, letting React render and re-arm its timer after each. */
async function wait(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 1_000) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(Math.min(1_000, left));
    });
  }
}

describe('relative times stay true', () => {
  it('a task due in 3 s counts down every second and is never shown as 30 s later', async () => {
    render(<NextRun at={START + 3_000} />);
    expect(shown()).toBe(formatRelative(START + 3_000, START));
    await wait(1_000);
    expect(shown()).toBe(formatRelative(START + 3_000, START + 1_000));
    await wait(1_000);
    expect(shown()).toBe(formatRelative(START + 3_000, START + 2_000));
    await wait(2_000);
    expect(shown()).toBe(formatRelative(START + 3_000, START + 4_000));
  });

  it('a run 10 min away starts counting seconds once it is under a minute away', async () => {
    const at = START + 10 * 60_000;
    render(<NextRun at={at} />);
    expect(shown()).toBe(formatRelative(at, START));
    await wait(9 * 60_000 + 5_000);
    expect(shown()).toBe(formatRelative(at, START + 9 * 60_000 + 5_000));
    await wait(1_000);
    expect(shown()).toBe(formatRelative(at, START + 9 * 60_000 + 6_000));
  });

  it('new data is shown against the time it arrived, not the time of the last refresh', async () => {
    const view = render(<NextRun at={START + 20 * 60_000} />);
    // 20 s pass without a refresh (a 20-minute-away run needs none), then the task is edited.
    await wait(20_000);
    view.rerender(<NextRun at={START + 20_000 + 3_000} />);
    await act(async () => undefined);
    expect(shown()).toBe(formatRelative(START + 23_000, START + 20_000));
  });
});
