import { z } from 'zod';
import { idSchema } from '../model/names.js';
import { SECRET_MASK } from '../model/action.js';
import { TEMPLATE_FIELDS, unknownTemplateFields } from './alert-template.js';

/** A template: `{{task.name}}`-style placeholders, each naming a known field. */
const template = z
  .string()
  .max(4000)
  .superRefine((text, ctx) => {
    const unknown = unknownTemplateFields(text);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown template field(s) ${unknown.map((f) => `{{${f}}}`).join(', ')}; known fields: ${TEMPLATE_FIELDS.join(', ')}`,
      });
    }
  });

/** An absolute http(s) URL; other schemes (file:, ftp:, javascript:) are refused. */
export const httpUrl = (what: string) =>
  z
    .string()
    .max(4096)
    // The mask stands for the stored secret in an edit; alert-secrets.ts swaps it back before saving.
    .refine(
      (u) => u === SECRET_MASK || URL.canParse(u),
      `${what} must be an absolute URL such as https://example.com/hook`,
    )
    .refine(
      (u) => u === SECRET_MASK || !URL.canParse(u) || /^https?:$/.test(new URL(u).protocol),
      `${what} must start with http:// or https://`,
    );

/** A regular expression as typed by the user; it must compile. */
const pattern = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => {
    try {
      new RegExp(p, 'm');
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid regular expression');

const headerPair = z
  .object({
    name: z
      .string()
      .min(1, 'header name is required')
      .max(256)
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'header name may hold letters, digits and -'),
    value: z
      .string()
      .max(8192)
      .regex(/^[^\r\n]*$/, 'header value may not contain line breaks'),
  })
  .strict();

const channelBase = {
  id: idSchema,
  name: z.string().trim().min(1, 'name is required').max(64),
  /** Off keeps the channel configured but sends nothing. Default true. */
  enabled: z.boolean().default(true),
  /** Replaces the alert's text; see TEMPLATE_FIELDS. */
  template: template.optional(),
};

export const webhookFormat = z.enum(['generic', 'slack', 'discord', 'teams', 'ntfy']);

export const webhookChannel = z
  .object({
    ...channelBase,
    kind: z.literal('webhook'),
    format: webhookFormat.default('generic'),
    /** A secret (it often holds a token): kept encrypted, masked in every view. */
    url: httpUrl('url'),
    /** Secret too. */
    headers: z.array(headerPair).max(50).default([]),
    /** Default 10 s. */
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export const emailChannel = z
  .object({
    ...channelBase,
    kind: z.literal('email'),
    host: z
      .string()
      .min(1, 'host is required')
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'host must be a host name or an IP address'),
    port: z
      .number({ error: 'port must be a number' })
      .int('port must be a whole number')
      .min(1, 'port must be between 1 and 65535')
      .max(65535, 'port must be between 1 and 65535'),
    /** 'starttls' upgrades a plain connection (port 587), 'tls' starts with TLS (port 465). */
    security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
    /** Accept a self-signed server certificate (a relay on the local network). Default false. */
    allowSelfSigned: z.boolean().default(false),
    user: z.string().max(256).default(''),
    /** A secret: kept encrypted, masked in every view. */
    password: z.string().max(1024).default(''),
    from: z.email('from must be an email address'),
    to: z.array(z.email('each recipient must be an email address')).min(1).max(20),
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export const desktopChannel = z.object({ ...channelBase, kind: z.literal('desktop') }).strict();

export const alertChannel = z.discriminatedUnion('kind', [
  webhookChannel,
  emailChannel,
  desktopChannel,
]);

/** Alert after this many failed or timed-out runs in a row. */
const failureAfter = z.number().int().min(1).max(1000);

/** Dead man's switch: a due run not started (or, for external tasks, reported) within graceMs. */
const missedRule = z
  .object({
    enabled: z.boolean().default(true),
    graceMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3600_000)
      .default(5 * 60_000),
  })
  .strict();

const slowRule = z
  .object({
    /** A run longer than this is slow. Null: no fixed limit. */
    limitMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600_000)
      .nullable()
      .default(null),
    /** A run longer than p95 × factor of the task's own runs is slow (from 10 runs on). */
    p95Factor: z.number().min(1).max(100).nullable().default(null),
  })
  .strict();

/** What is watched. Global defaults live in the alert settings; a task may override any of them. */
export const alertRules = z
  .object({
    /** Default 1. */
    failureAfter: failureAfter.default(1),
    /** Send an alert when a task that had an open incident succeeds again. Default true. */
    recovery: z.boolean().default(true),
    missed: missedRule.default({ enabled: true, graceMs: 5 * 60_000 }),
    slow: slowRule.default({ limitMs: null, p95Factor: null }),
  })
  .strict();

/** Patterns over a run's output that decide its status; the record names the rule that did. */
export const outputRules = z
  .object({
    /** Output matching this fails the run even with exit code 0 (e.g. `ERROR|Traceback`). */
    failurePattern: pattern.nullable().default(null),
    /** Output lacking this fails the run. */
    successPattern: pattern.nullable().default(null),
  })
  .strict();

/** Healthchecks.io or Cronitor-style monitor pings for one task. */
export const monitorPings = z
  .object({
    style: z.enum(['healthchecks', 'cronitor']).default('healthchecks'),
    /** The check's URL; a secret (it identifies the check), kept encrypted. */
    url: httpUrl('url'),
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export const alertSettings = z
  .object({
    /** Off stops every alert and ping; incidents are still tracked. Default true. */
    enabled: z.boolean().default(true),
    channels: z.array(alertChannel).max(50).default([]),
    /** Channels every task alerts through unless it names its own. */
    defaultChannels: z.array(idSchema).max(50).default([]),
    rules: alertRules.default(() => alertRules.parse({})),
    /** Alerts and their delivery logs are kept this many days. Default 30. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const ids = new Set<string>();
    settings.channels.forEach((c, i) => {
      if (ids.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'id'],
          message: `channel id '${c.id}' is used twice`,
        });
      ids.add(c.id);
    });
    settings.defaultChannels.forEach((id, i) => {
      if (!ids.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['defaultChannels', i],
          message: `no channel has id '${id}'`,
        });
    });
  });

/** Per-task alert settings; anything left out follows the global settings. */
export const taskAlerts = z
  .object({
    /** Channels for this task; null follows the global defaults. */
    channels: z.array(idSchema).max(50).nullable().default(null),
    // No defaults inside: a rule left out follows the global one (a default here would pin it).
    rules: z
      .object({
        failureAfter: failureAfter.optional(),
        recovery: z.boolean().optional(),
        missed: missedRule.optional(),
        slow: slowRule.optional(),
      })
      .strict()
      .default({}),
    output: outputRules.default({ failurePattern: null, successPattern: null }),
    pings: monitorPings.nullable().default(null),
    /**
     * 'ping': the task's result comes from outside (its own script calls the ping channel, or a
     * cluster worker reports), so the dead man's switch waits for that report. Default 'run'.
     */
    expect: z.enum(['run', 'ping']).default('run'),
  })
  .strict();

export type AlertChannel = z.output<typeof alertChannel>;
export type WebhookChannel = z.output<typeof webhookChannel>;
export type EmailChannel = z.output<typeof emailChannel>;
export type DesktopChannel = z.output<typeof desktopChannel>;
export type WebhookFormat = z.output<typeof webhookFormat>;
export type AlertRules = z.output<typeof alertRules>;
export type OutputRules = z.output<typeof outputRules>;
export type MonitorPings = z.output<typeof monitorPings>;
export type AlertSettings = z.output<typeof alertSettings>;
export type AlertSettingsInput = z.input<typeof alertSettings>;
export type TaskAlerts = z.output<typeof taskAlerts>;
export type TaskAlertsInput = z.input<typeof taskAlerts>;

export const DEFAULT_ALERT_SETTINGS: AlertSettings = alertSettings.parse({
  channels: [{ id: 'desktop', name: 'Desktop notification', kind: 'desktop' }],
  defaultChannels: ['desktop'],
});
export const DEFAULT_TASK_ALERTS: TaskAlerts = taskAlerts.parse({});

/** The global rules with a task's overrides applied. */
export function effectiveRules(settings: AlertSettings, task: TaskAlerts): AlertRules {
  const o = task.rules;
  return {
    failureAfter: o.failureAfter ?? settings.rules.failureAfter,
    recovery: o.recovery ?? settings.rules.recovery,
    missed: o.missed ?? settings.rules.missed,
    slow: o.slow ?? settings.rules.slow,
  };
}
