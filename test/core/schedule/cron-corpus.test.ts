import { describe, it, expect } from 'vitest';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { checkCronPattern } from '../../../main/core/schedule/cron-check.js';
import { TaskScheduler } from '../../../main/core/schedule/task-scheduler.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { CORPUS_PATTERNS, CRON_CORPUS } from './cron-corpus.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

/** Each refused pattern of the corpus with its message, in corpus order. */
function refusals(): { pattern: string; message: string }[] {
  const cache = new CronCache();
  return CORPUS_PATTERNS.flatMap((pattern) => {
    const problem = checkCronPattern(cache, pattern, 'or', 'UTC', NOW);
    return problem ? [{ pattern, message: problem.message }] : [];
  });
}

describe('a corpus of 240 cron patterns from other tools', () => {
  it('is accepted but for what cannot fire (238 of 240), each refusal a sentence saying why', () => {
    expect(CORPUS_PATTERNS).toHaveLength(240);
    expect(CRON_CORPUS.map((g) => g.patterns.length)).not.toContain(0);
    const refused = refusals();
    const accepted = CORPUS_PATTERNS.length - refused.length;
    // The list a reviewer reads when the figure changes.
    console.log(
      `cron corpus: ${accepted} of ${CORPUS_PATTERNS.length} accepted; refused:\n` +
        refused.map((r) => `  ${r.pattern}: ${r.message}`).join('\n'),
    );
    expect(accepted).toBeGreaterThanOrEqual(238);
    expect(refused.map((r) => r.pattern)).toEqual(['@reboot', '0 15 10 ? * 6L 2002-2005']);
    expect(refused[0]?.message).toMatch(/^@reboot runs a command when the computer starts/);
    expect(refused[1]?.message).toMatch(/never fires .*: its last year, 2005, is past\.$/);
  });

  it('is accepted by the engine exactly where the pattern check accepts it', () => {
    const engine = new TaskScheduler({ clock: new VirtualClock(NOW) });
    const refusedByEngine = CORPUS_PATTERNS.filter((pattern) => {
      try {
        engine.nextRuns(
          {
            name: 'corpus',
            timezone: 'UTC',
            schedule: { kind: 'cron', pattern },
          },
          1,
        );
        return false;
      } catch {
        return true;
      }
    });
    expect(refusedByEngine).toEqual(refusals().map((r) => r.pattern));
  });
});
