import type { ClusterStatus } from '../core/cluster/cluster-status.js';
import { z } from 'zod';
import { channel } from './channel.js';
import type { ChannelSpec, Envelope } from './channel.js';
import { idSchema, projectName, groupName, taskName } from '../core/model/names.js';
import { scheduleSchema, instant } from '../core/model/schedule.js';
import { runOn, taskCreateInput, taskPolicies, timezoneSchema } from '../core/model/task.js';
import { actionSchema } from '../core/model/action.js';
import { runStatus } from '../core/model/run.js';
import type { RunRecord, RunStatus } from '../core/model/run.js';
import type { Action } from '../core/model/action.js';
import type { StoredTask } from '../core/model/task.js';
import type { Schedule } from '../core/model/schedule.js';
import { settingsPatchSchema } from '../core/store/config-schema.js';
import type { Settings, SettingsPatch } from '../core/store/config-schema.js';
import type { LedgerSession } from '../core/routine/session-ledger-lines.js';
import type { RunSummary } from '../core/jobs/run-summary.js';
import type { Page } from '../core/jobs/run-index.js';
import type { DashboardStats as JobDashboardStats } from '../core/jobs/job-stats.js';
import { alertSettings, taskAlerts } from '../core/alerts/alert-config.js';
import type { AlertSettings, TaskAlerts } from '../core/alerts/alert-config.js';
import type { Incident } from '../core/alerts/incident-book.js';
import type { OutboxEntry } from '../core/alerts/outbox-entry.js';
import type { ImportRow } from '../core/transfer/import-plan.js';

// ---------------------------------------------------------------------------------------------
// Views: what the renderer receives. Secrets never appear in them in clear.
// ---------------------------------------------------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'headless';
  testMode: boolean;
  dataDir: string;
  platform: string;
  versions: { node: string; electron: string | null; chrome: string | null };
}

export interface VaultStatus {
  backend: string;
  secure: boolean;
  /** Shown to the user when the backend is not secure or something is locked. */
  warning: string | null;
  entries: number;
  locked: string[];
}

export interface SchedulerStatus {
  running: boolean;
  sessionId: string | null;
  startedAt: number | null;
  /** Paused by the tray's "Pause for 1 hour"; the scheduler resumes on its own at this time. */
  pausedUntil: number | null;
  tasks: number;
  enabledTasks: number;
  activeRuns: number;
  nextRun: { taskId: string; name: string; at: number } | null;
  lastRunFailed: boolean;
  vault: VaultStatus;
  /** Redis, workers and queues when a Redis URL is set (--redis); absent otherwise. */
  cluster?: ClusterStatus | null;
  testMode: boolean;
  now: number;
}

export interface TaskView extends Omit<StoredTask, 'schedule'> {
  schedule: Schedule;
  /** The action with secret values masked (tasks:get and writes); null in lists and when locked. */
  action: Action | null;
  locked: string | null;
  scheduleText: string;
  nextRunAt: number | null;
  lastRun: {
    runId: string;
    status: RunStatus;
    startedAt: number | null;
    durationMs: number | null;
  } | null;
  activeRuns: number;
}

export interface PreviewRun {
  at: number;
  taskTime: string;
  localTime: string;
}

export interface SchedulePreview {
  description: string;
  timezone: string;
  runs: PreviewRun[];
  dstNotes: string[];
}

/** A session of the scheduler, as the ledger keeps it (its summary line is left out). */
export type SessionView = Omit<LedgerSession, 'summary'>;

export type { RunSummary, Page };

/** What the dashboard shows; JobCache computes it from the run index. */
export type DashboardStats = Omit<JobDashboardStats, 'perProject'>;

export interface CacheEntry {
  name: string;
  sizeBytes: number;
  modifiedAt: number;
  ageMs: number;
}

/** The app's settings: config-schema.ts is their one schema, with each field's default. */
export type { Settings, SettingsPatch };

/** Alerts: settings with secrets masked, incidents, and each alert with its deliveries. */
export type { AlertSettings, TaskAlerts, Incident };
export type AlertView = OutboxEntry;
export interface TaskAlertsView {
  taskId: string;
  /** False: the task follows the global alert settings (`alerts` shows the defaults). */
  custom: boolean;
  alerts: TaskAlerts;
}

/** What Settings and the tray say about updates; main/electron/update-policy.ts decides it. */
export interface UpdateStatus {
  /**
   * off: this copy does not update itself (headless, development, portable, no feed);
   * ready: downloaded, installed when Crontray quits.
   */
  state: 'off' | 'idle' | 'checking' | 'downloading' | 'up-to-date' | 'ready' | 'failed';
  /** One sentence for the user. */
  message: string;
  /** The newer version being downloaded or ready; null otherwise. */
  version: string | null;
  /** When the last check finished (epoch ms); null before the first. */
  checkedAt: number | null;
  /** Whether "Check for updates" does anything right now. */
  canCheck: boolean;
}

export type { ImportRow };

/** What an import would do, line by line (crontab) or task by task (bundle); nothing saved yet. */
export interface TransferPreview {
  source: 'crontab' | 'bundle';
  rows: ImportRow[];
  counts: { tasks: number; existing: number; skipped: number };
  /** The bundle's secrets are encrypted: importing needs its passphrase. */
  secretsSealed: boolean;
}

export interface TransferImportResult extends TransferPreview {
  created: { id: string; name: string }[];
}

export interface TransferExport {
  format: 'crontab' | 'bundle';
  /** The file's content. */
  text: string;
  /** A suggested file name. */
  fileName: string;
  exported: number;
  /** Tasks the format cannot express, with the reason: listed, never silently dropped. */
  notExported: { taskId: string; name: string; reason: string }[];
  /** Exported tasks that lose something on the way (retries, a disabled state…). */
  warnings: { taskId: string; name: string; message: string }[];
  secretsSealed: number;
  secretsLeftOut: { task: string; field: string }[];
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const empty = z.object({}).strict().optional();
const taskRef = z.object({ id: idSchema }).strict();
const runKey = z
  .object({ project: projectName, group: groupName, name: taskName, runId: idSchema })
  .strict();

const taskPatch = taskPolicies
  .partial()
  .extend({
    name: taskName.optional(),
    project: projectName.optional(),
    group: groupName.optional(),
    schedule: scheduleSchema.optional(),
    timezone: timezoneSchema.nullable().optional(),
    /** Without a default: a patch that leaves it out must not move a cluster task back here. */
    runOn: runOn.optional(),
    /** A full action; masked secret values mean "keep the stored value". */
    action: actionSchema.optional(),
  })
  .strict();

const runFilter = z
  .object({
    taskId: idSchema.optional(),
    project: projectName.optional(),
    group: groupName.optional(),
    status: runStatus.optional(),
    from: instant('from').optional(),
    to: instant('to').optional(),
    sessionId: idSchema.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(256).optional(),
  })
  .strict();

const transferSource = z
  .object({
    /** A crontab (`crontab -l` output) or a bundle's JSON. */
    text: z
      .string()
      .max(8 * 1024 * 1024, 'text is at most 8 MiB')
      .refine((t) => t.trim() !== '', 'text is empty: paste a crontab or choose a file'),
    /** 'auto' reads a JSON object as a bundle and anything else as a crontab. */
    format: z.enum(['auto', 'crontab', 'bundle']).default('auto'),
    /** The passphrase a bundle's secrets were sealed with. */
    passphrase: z.string().min(1).max(1024).optional(),
    /** Where imported crontab lines go; bundles keep their own. Default 'crontab'. */
    project: projectName.optional(),
    group: groupName.optional(),
  })
  .strict();

/** Chosen by the caller so it can tell its own transfer:progress events from others'. */
const operationId = idSchema.optional();

// ---------------------------------------------------------------------------------------------
// The contract: the only place a channel is named.
// ---------------------------------------------------------------------------------------------

export const contract = {
  'app:info': channel<AppInfo>()(empty),

  'scheduler:status': channel<SchedulerStatus>()(empty),
  'scheduler:start': channel<SchedulerStatus>()(empty),
  'scheduler:stop': channel<SchedulerStatus>()(empty),
  /** Stops firing until the given time (the tray's "Pause for 1 hour"); 0 resumes now. */
  'scheduler:pause': channel<SchedulerStatus>()(
    z
      .object({
        minutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60),
      })
      .strict(),
  ),

  'tasks:list': channel<TaskView[]>()(
    z.object({ project: projectName.optional(), group: groupName.optional() }).strict().optional(),
  ),
  'tasks:get': channel<TaskView>()(taskRef),
  'tasks:create': channel<TaskView>()(taskCreateInput.strict()),
  'tasks:update': channel<TaskView>()(z.object({ id: idSchema, patch: taskPatch }).strict()),
  'tasks:delete': channel<{ deleted: true }>()(taskRef),
  'tasks:enable': channel<TaskView>()(taskRef),
  'tasks:disable': channel<TaskView>()(taskRef),
  'tasks:runNow': channel<RunSummary>()(
    z
      .object({
        id: idSchema,
        toleranceSeconds: z
          .number()
          .min(0)
          .max(366 * 24 * 3600)
          .optional(),
      })
      .strict(),
  ),
  'tasks:preview': channel<SchedulePreview>()(
    z
      .object({
        schedule: scheduleSchema,
        timezone: timezoneSchema.optional(),
        count: z.number().int().min(1).max(50).default(5),
      })
      .strict(),
  ),

  'runs:cancel': channel<{ canceled: boolean }>()(z.object({ runId: idSchema }).strict()),

  'history:sessions': channel<Page<SessionView>>()(
    z
      .object({
        limit: z.number().int().min(1).max(1000).default(50),
        cursor: z.string().max(256).optional(),
      })
      .strict(),
  ),
  'history:runs': channel<Page<RunSummary>>()(runFilter),
  'history:run': channel<RunRecord>()(runKey),
  'history:stats': channel<DashboardStats>()(empty),
  'history:delete': channel<{ deleted: true }>()(runKey),

  'cache:list': channel<CacheEntry[]>()(empty),
  'cache:clear': channel<{ removed: number }>()(
    z
      .object({ name: z.string().max(256).optional() })
      .strict()
      .optional(),
  ),

  'vault:status': channel<VaultStatus>()(empty),

  /** What importing the text would do; saves nothing. */
  'transfer:preview': channel<TransferPreview>()(transferSource),
  /** Imports every 'task' row of the preview, all or nothing; running it twice changes nothing. */
  'transfer:import': channel<TransferImportResult>()(transferSource.extend({ operationId })),
  /** Exports the given tasks (default all) as a crontab or a bundle; writes no file. */
  'transfer:export': channel<TransferExport>()(
    z
      .object({
        format: z.enum(['crontab', 'bundle']),
        /** The tasks to export; left out, every task. */
        taskIds: z
          .array(idSchema)
          .min(1, 'choose at least one task, or leave taskIds out to export all')
          .max(100_000)
          .optional(),
        /** Seals the bundle's secrets; without it they are left out. */
        passphrase: z
          .string()
          .min(8, 'passphrase must be at least 8 characters')
          .max(1024)
          .optional(),
        operationId,
      })
      .strict(),
  ),

  'settings:get': channel<Settings>()(empty),
  'settings:set': channel<Settings>()(settingsPatchSchema),

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
  /** The desktop app's updater; headless mode answers 'off'. */
  'updates:status': channel<UpdateStatus>()(empty),
  /** Checks now (Settings and the tray's "Check for updates"); answers the status it led to. */
  'updates:check': channel<UpdateStatus>()(empty),

  /** Moves the engine's virtual clock; exists only in headless --test-mode. */
  'clock:advance': channel<{ now: number }>()(
    z
      .object({
        ms: z
          .number()
          .int()
          .min(0)
          .max(366 * 24 * 3600_000),
      })
      .strict(),
    { testOnly: true },
  ),
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;

/** Events pushed from main to the renderer, with their payloads. */
export interface EventMap {
  'run:started': RunSummary;
  'run:finished': RunSummary;
  'task:changed': { taskId: string; deleted: boolean };
  'scheduler:state': SchedulerStatus;
  'history:changed': { reason: string };
  /** How far a long import or export has come. */
  'transfer:progress': {
    operationId: string | null;
    operation: 'import' | 'export';
    done: number;
    total: number;
  };
  /** Something the user should know: a file moved aside, an insecure vault, a disk error. */
  notice: { level: 'info' | 'warning' | 'error'; message: string };
  /** An alert was raised or an incident opened or closed. */
  'alerts:changed': { openIncidents: number };
  /** The updater's status changed (checking, downloading, ready, failed). */
  'updates:state': UpdateStatus;
}

// ---------------------------------------------------------------------------------------------
// Types derived from the contract; handlers, the preload and the client are checked against them.
// ---------------------------------------------------------------------------------------------

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type EventName = keyof EventMap;
/** What a caller may send (defaults not yet applied). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = NonNullable<Contract[C]['__response']>;

/** The server side: one handler per channel. */
export type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** The client side: what the renderer calls, the same in Electron and in a browser. */
export type Api = {
  [C in Channel]: (
    ...request: undefined extends RequestOf<C> ? [request?: RequestOf<C>] : [request: RequestOf<C>]
  ) => Promise<ResponseOf<C>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/**
 * What the preload exposes as `window.crontray`: the same channels, answering envelopes. Electron's
 * contextBridge passes only an Error's message across worlds, so errors travel as data and the
 * renderer rebuilds them as ApiError (renderer/src/api/bridge-client.ts).
 */
export type Bridge = {
  [C in Channel]: (
    ...request: undefined extends RequestOf<C> ? [request?: RequestOf<C>] : [request: RequestOf<C>]
  ) => Promise<Envelope<ResponseOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

export const channels = Object.keys(contract) as Channel[];
export { channelNames, eventNames } from './names.js';
