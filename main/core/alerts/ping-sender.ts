import type { MonitorPings } from './alert-config.js';
import type { AlertMessage } from './alert-message.js';
import type { AttemptResult } from './outbox.js';
import { sendHttp } from './webhook-sender.js';

export type PingPhase = 'start' | 'success' | 'failure';

/**
 * The request for one monitor ping. Healthchecks.io style: POST <url>/start, <url> (body:
 * duration), <url>/<exit code> or <url>/fail (body: the last output lines). Cronitor style: GET
 * <url>?state=run|complete|fail with duration, status code and message in the query.
 */
export function pingRequest(
  pings: MonitorPings,
  phase: PingPhase,
  message: AlertMessage,
): { url: string; method: 'POST' | 'GET'; body: string | null } {
  const run = message.run;
  const durationMs = run?.durationMs ?? null;
  const base = pings.url.replace(/\/+$/, '');
  if (pings.style === 'cronitor') {
    const url = new URL(pings.url);
    url.searchParams.set(
      'state',
      phase === 'start' ? 'run' : phase === 'success' ? 'complete' : 'fail',
    );
    if (durationMs !== null && phase !== 'start')
      url.searchParams.set('duration', (durationMs / 1000).toFixed(3));
    if (phase === 'failure') {
      if (run?.exitCode !== null && run?.exitCode !== undefined)
        url.searchParams.set('status_code', String(run.exitCode));
      url.searchParams.set('message', (run?.outputTail ?? '').slice(-1000));
    }
    return { url: url.href, method: 'GET', body: null };
  }
  if (phase === 'start') return { url: `${base}/start`, method: 'POST', body: '' };
  if (phase === 'success')
    return {
      url: base,
      method: 'POST',
      body: durationMs === null ? '' : `duration_ms=${durationMs}\n`,
    };
  const code = run?.exitCode ?? null;
  return {
    url: code !== null && code !== 0 ? `${base}/${code}` : `${base}/fail`,
    method: 'POST',
    body: `${run?.outputTail ?? ''}\n`,
  };
}

export function sendPing(
  pings: MonitorPings,
  phase: PingPhase,
  message: AlertMessage,
): Promise<AttemptResult> {
  const request = pingRequest(pings, phase, message);
  return sendHttp(
    {
      url: request.url,
      method: request.method,
      body: request.body,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'Crontray' },
    },
    pings.timeoutMs,
  );
}
