import { z } from 'zod';
import { runStatus } from '../model/run.js';

export const channelKind = z.enum(['webhook', 'email', 'desktop', 'ping']);

/** One try at one channel. Never holds a secret: messages are redacted before they are kept. */
export const deliveryAttempt = z.object({
  at: z.number(),
  outcome: z.enum(['delivered', 'failed', 'timed-out', 'skipped']),
  /** The receiver's HTTP status (webhooks, pings). */
  httpStatus: z.number().int().nullable().default(null),
  /** The SMTP server's reply (email), e.g. "250 2.0.0 Ok: queued". */
  smtpReply: z.string().max(1000).nullable().default(null),
  /** What happened, in words. */
  message: z.string().max(2000),
});

export const delivery = z.object({
  channelId: z.string(),
  channelKind,
  channelName: z.string(),
  state: z.enum(['pending', 'delivered', 'failed', 'skipped']),
  /** When the next try is due; null once the state is final. */
  nextAttemptAt: z.number().nullable(),
  attempts: z.array(deliveryAttempt),
});

const alertTask = z.object({
  id: z.string(),
  name: z.string(),
  project: z.string(),
  group: z.string(),
});

export const alertMessage = z.object({
  kind: z.enum(['failure', 'recovery', 'missed', 'slow', 'test']),
  title: z.string(),
  text: z.string(),
  at: z.number(),
  task: alertTask.nullable(),
  run: z
    .object({
      runId: z.string(),
      status: runStatus,
      exitCode: z.number().nullable(),
      httpStatus: z.number().nullable(),
      startedAt: z.number().nullable(),
      endedAt: z.number().nullable(),
      durationMs: z.number().nullable(),
      error: z.string().nullable(),
      rule: z.string().nullable(),
      outputTail: z.string(),
    })
    .nullable(),
  incident: z.object({ id: z.string(), openedAt: z.number() }).nullable(),
});

/**
 * One outbox entry, <dataDir>/alerts/outbox/<id>.json: an alert (or a monitor ping) and its
 * delivery to each channel. Written before the first try and after every try.
 */
export const outboxEntry = z.object({
  version: z.literal(1),
  id: z.string(),
  /** 'ping' entries carry a monitor ping (start, success, failure) rather than an alert. */
  type: z.enum(['alert', 'ping']),
  ping: z.enum(['start', 'success', 'failure']).nullable(),
  createdAt: z.number(),
  incidentId: z.string().nullable(),
  message: alertMessage,
  deliveries: z.array(delivery),
});

export type ChannelKind = z.output<typeof channelKind>;
export type DeliveryAttempt = z.output<typeof deliveryAttempt>;
export type Delivery = z.output<typeof delivery>;
export type OutboxEntry = z.output<typeof outboxEntry>;
