import { z } from 'zod';
import { idSchema } from '../../core/model/names.js';
import { alertSettings, taskAlerts } from '../../core/alerts/alert-config.js';
import type { AlertSettings, TaskAlerts } from '../../core/alerts/alert-config.js';
import type { Incident } from '../../core/alerts/incident-book.js';
import type { OutboxEntry } from '../../core/alerts/outbox-entry.js';
import { channel } from '../channel.js';
import type { ChannelSpec } from '../channel.js';
import { empty, taskRef } from './request-parts.js';

/** Alerts: settings with secrets masked, incidents, and each alert with its deliveries. */
export type { AlertSettings, TaskAlerts, Incident };
export type AlertView = OutboxEntry;
export interface TaskAlertsView {
  taskId: string;
  /** False: the task follows the global alert settings (`alerts` shows the defaults). */
  custom: boolean;
  alerts: TaskAlerts;
}

/** Alert settings, incidents, alert history, test sends and outside reports. */
export const alertChannels = {
  /** Global alert settings; webhook URLs, headers and passwords come back masked. */
  'alerts:settings:get': channel<AlertSettings>()(empty),
  /** Replaces them; a masked value keeps the stored secret. SMTP hosts must resolve. */
  'alerts:settings:set': channel<AlertSettings>()(alertSettings),
  'alerts:task:get': channel<TaskAlertsView>()(taskRef),
  /** A task's own alert settings; null makes it follow the global ones again. */
  'alerts:task:set': channel<TaskAlertsView>()(
    z.object({ id: idSchema, alerts: taskAlerts.nullable() }).strict(),
  ),
  'alerts:incidents': channel<Incident[]>()(
    z.object({ open: z.boolean().optional(), taskId: idSchema.optional() }).strict().optional(),
  ),
  /** Alerts newest first, each with its deliveries and every attempt. */
  'alerts:history': channel<AlertView[]>()(
    z
      .object({
        taskId: idSchema.optional(),
        incidentId: idSchema.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  'alerts:acknowledge': channel<Incident>()(z.object({ id: idSchema }).strict()),
  /** Sends a test alert through one channel and answers after the first try. */
  'alerts:test': channel<AlertView>()(z.object({ channelId: idSchema }).strict()),
  /**
   * A result reported from outside (the task's own script, a worker): it feeds the rules and
   * the dead man's switch of a task whose alerts expect 'ping'.
   */
  'alerts:report': channel<{ accepted: true }>()(
    z
      .object({
        taskId: idSchema,
        status: z.enum(['succeeded', 'failed']),
        // An exit status fits in 32 bits on every OS (Windows NTSTATUS codes are unsigned).
        exitCode: z.number().int().min(-2_147_483_648).max(4_294_967_295).optional(),
        durationMs: z
          .number()
          .int()
          .min(0)
          .max(366 * 24 * 3600_000)
          .optional(),
        output: z
          .string()
          .max(64 * 1024)
          .optional(),
      })
      .strict(),
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;
