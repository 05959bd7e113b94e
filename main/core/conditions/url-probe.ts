import type { NetworkReading, UrlProbe } from './system-conditions.js';

/**
 * Whether a URL answers within its timeout. Any HTTP answer counts, 404 and 500 included: the
 * condition is "that server is reachable", not "that page is healthy" (that is an HTTP task).
 * A HEAD request keeps it small.
 */
export async function probeUrl({ url, timeoutMs }: UrlProbe): Promise<NetworkReading> {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    return { up: true, text: `${url} answered ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const why = timedOut
      ? `did not answer within ${timeoutText(timeoutMs)}`
      : `could not be reached (${causeOf(error)})`;
    return { up: false, text: `${url} ${why}` };
  }
}

function timeoutText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** fetch wraps the network error ("ECONNREFUSED") in a TypeError's cause. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return error.message;
}
