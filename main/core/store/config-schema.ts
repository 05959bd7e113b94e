import { z } from 'zod';
import { idSchema } from '../model/names.js';
import { storedTask } from '../model/task.js';

export const DEFAULT_SETTINGS = {
  startAtLogin: false,
  notifications: true,
  theme: 'system',
  retention: { keepLast: 200, keepFailuresDays: 30 },
  globalConcurrency: 8,
} as const;

/** The app's settings, as stored in config.json; every field has a default. */
export const settingsSchema = z.object({
  /** Start Crontray when the user logs in. Default false. */
  startAtLogin: z.boolean().default(DEFAULT_SETTINGS.startAtLogin),
  /** Desktop notifications for failed runs. Default true. */
  notifications: z.boolean().default(DEFAULT_SETTINGS.notifications),
  /** 'system' follows the OS. Default 'system'. */
  theme: z.enum(['system', 'light', 'dark']).default(DEFAULT_SETTINGS.theme),
  retention: z
    .object({
      /** Run records kept per task. Default 200. */
      keepLast: z.number().int().min(1).max(100_000).default(DEFAULT_SETTINGS.retention.keepLast),
      /** Failed runs are kept at least this many days, even beyond keepLast. Default 30. */
      keepFailuresDays: z
        .number()
        .int()
        .min(0)
        .max(3650)
        .default(DEFAULT_SETTINGS.retention.keepFailuresDays),
    })
    .default({ ...DEFAULT_SETTINGS.retention }),
  /** Runs allowed at once across all tasks. Default 8. */
  globalConcurrency: z.number().int().min(1).max(256).default(DEFAULT_SETTINGS.globalConcurrency),
});

export type Settings = z.output<typeof settingsSchema>;

type WithoutDefaults<S extends Record<string, z.ZodDefault<z.ZodType>>> = {
  [K in keyof S]: z.ZodOptional<ReturnType<S[K]['unwrap']>>;
};

/** Each field optional and without its default, so a patch holds only what it changes. */
function withoutDefaults<S extends Record<string, z.ZodDefault<z.ZodType>>>(
  shape: S,
): WithoutDefaults<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, field.unwrap().optional()]),
  ) as WithoutDefaults<S>;
}

const { retention: retentionField, ...plainSettings } = settingsSchema.shape;

/**
 * A change to some settings (settings:set); retention may be changed one field at a time. Built
 * from settingsSchema, so the rules are written once; unknown fields are refused.
 */
export const settingsPatchSchema = z
  .object({
    ...withoutDefaults(plainSettings),
    retention: z.object(withoutDefaults(retentionField.unwrap().shape)).strict().optional(),
  })
  .strict();

export type SettingsPatch = z.output<typeof settingsPatchSchema>;

/**
 * config.json after migrations: settings and task definitions keyed by task id (conf keeps its
 * own bookkeeping under `__internal__`, which this schema passes over).
 */
export const configFileSchema = z
  .object({
    settings: settingsSchema.default(() => settingsSchema.parse({})),
    tasks: z.record(idSchema, storedTask).default({}),
  })
  .superRefine((config, ctx) => {
    for (const [key, task] of Object.entries(config.tasks)) {
      if (task.id !== key) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', key, 'id'],
          message: `is '${task.id}' but the task is filed under '${key}'`,
        });
      }
    }
  });

export type ConfigFile = z.output<typeof configFileSchema>;

/** "tasks.a1.schedule.kind: Invalid input; settings.theme: ..." (the first few problems). */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues
    .slice(0, max)
    .map(
      (issue) =>
        `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`,
    );
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join('; ');
}
