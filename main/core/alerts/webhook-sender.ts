import type { WebhookChannel } from './alert-config.js';
import type { AlertMessage } from './alert-message.js';
import type { AttemptResult } from './outbox.js';
import { webhookRequest } from './webhook-formats.js';

const MAX_REDIRECTS = 3;

/** What one HTTP request to a receiver came to. */
interface Answer {
  status: number;
  location: string | null;
}

/** Statuses worth another try later: the receiver is down, overloaded or throttling. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

async function post(
  url: string,
  body: string | null,
  headers: Record<string, string>,
  timeoutMs: number,
  method: 'POST' | 'GET' = 'POST',
): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers,
    ...(body === null ? {} : { body }),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The body is not needed; reading it frees the connection.
  await response.arrayBuffer().catch(() => undefined);
  return { status: response.status, location: response.headers.get('location') };
}

/** Why a request never got an answer, without the URL (it is a secret). */
function networkFailure(error: unknown, timeoutMs: number): AttemptResult {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError')
    return {
      outcome: 'timed-out',
      httpStatus: null,
      smtpReply: null,
      message: `no answer within ${Math.round(timeoutMs / 1000)} s`,
      retry: true,
    };
  const cause =
    error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const code = cause?.code ?? 'network error';
  return {
    outcome: 'failed',
    httpStatus: null,
    smtpReply: null,
    message: `could not reach the receiver (${code})`,
    retry: true,
  };
}

/**
 * Sends an HTTP request and follows redirects only within the same origin: a redirect to
 * another host would carry the secret headers (and body) somewhere the user never configured,
 * so it is refused and recorded instead.
 */
export async function sendHttp(
  first: {
    url: string;
    body: string | null;
    headers: Record<string, string>;
    method?: 'POST' | 'GET';
  },
  timeoutMs: number,
): Promise<AttemptResult> {
  let url = first.url;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const answer = await post(url, first.body, first.headers, timeoutMs, first.method);
      const redirect = answer.status >= 300 && answer.status < 400 && answer.location !== null;
      if (!redirect) {
        const ok = answer.status >= 200 && answer.status < 300;
        return {
          outcome: ok ? 'delivered' : 'failed',
          httpStatus: answer.status,
          smtpReply: null,
          message: ok
            ? `accepted with HTTP ${answer.status}`
            : `the receiver answered HTTP ${answer.status}`,
          retry: !ok && isRetryableStatus(answer.status),
        };
      }
      const target = new URL(answer.location as string, url);
      if (target.origin !== new URL(url).origin) {
        return {
          outcome: 'failed',
          httpStatus: answer.status,
          smtpReply: null,
          message: `the receiver redirected to another host (${target.host}); not followed, so the URL and headers stay with the configured host`,
          retry: false,
        };
      }
      url = target.href;
    }
    return {
      outcome: 'failed',
      httpStatus: null,
      smtpReply: null,
      message: `more than ${MAX_REDIRECTS} redirects`,
      retry: false,
    };
  } catch (error) {
    return networkFailure(error, timeoutMs);
  }
}

/** Delivers one alert to a webhook in the channel's format, with its custom headers. */
export function sendWebhook(
  channel: WebhookChannel,
  message: AlertMessage,
  text: string,
  alertId: string,
): Promise<AttemptResult> {
  const request = webhookRequest(channel.format, channel.url, message, text, alertId);
  const headers: Record<string, string> = {
    'content-type': request.contentType,
    'user-agent': 'Crontray',
    // Lets a receiver drop the copy a crash between sending and recording may repeat.
    'idempotency-key': alertId,
  };
  for (const h of channel.headers) headers[h.name.toLowerCase()] = h.value;
  return sendHttp({ url: request.url, body: request.body, headers }, channel.timeoutMs);
}
