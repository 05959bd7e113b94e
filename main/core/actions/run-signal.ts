import type { Clock } from '../time/clock.js';
import type { RunContext } from './runner.js';

/**
 * The reason a run's signal carries when its time is up. A DOMException named 'TimeoutError' is
 * what AbortSignal.timeout() uses, so an engine that aborts with that is understood as well.
 */
export function timeoutReason(timeoutMs: number): DOMException {
  return new DOMException(`the run exceeded its timeout of ${timeoutMs} ms`, 'TimeoutError');
}

/** True when an abort reason means "out of time" rather than canceled, replaced or quit. */
export function isTimeoutReason(reason: unknown): boolean {
  return (
    (reason instanceof DOMException || reason instanceof Error) && reason.name === 'TimeoutError'
  );
}

/** The status a run aborted with `reason` ends in. */
export function abortedStatus(reason: unknown): 'timed-out' | 'canceled' {
  return isTimeoutReason(reason) ? 'timed-out' : 'canceled';
}

/** Human text for an abort, for the outcome's error field. */
export function abortMessage(reason: unknown): string {
  if (isTimeoutReason(reason)) return (reason as Error).message;
  if (reason instanceof Error && reason.message !== '') return `canceled: ${reason.message}`;
  if (typeof reason === 'string' && reason !== '') return `canceled: ${reason}`;
  return 'canceled';
}

/**
 * The run's signal plus its own timeout: runners enforce `timeoutMs` themselves, so a runner used
 * without the engine still stops. Call `dispose()` when the run ends to drop the timer.
 */
export function runSignal(
  context: RunContext,
  clock: Clock,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(context.signal.reason);
  if (context.signal.aborted) onAbort();
  else context.signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    context.timeoutMs > 0
      ? clock.setTimer(() => controller.abort(timeoutReason(context.timeoutMs)), context.timeoutMs)
      : null;
  return {
    signal: controller.signal,
    dispose() {
      context.signal.removeEventListener('abort', onAbort);
      if (timer !== null) clock.clearTimer(timer);
    },
  };
}
