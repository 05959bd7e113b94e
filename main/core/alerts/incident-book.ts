import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { atomicWrite } from '../fs/atomic-write.js';
import { moveAside } from '../fs/move-aside.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import type { TaskWatch } from './alert-rules.js';
import { emptyWatch } from './alert-rules.js';

const incident = z.object({
  id: z.string(),
  kind: z.enum(['failure', 'missed']),
  taskId: z.string(),
  task: z.object({ id: z.string(), name: z.string(), project: z.string(), group: z.string() }),
  openedAt: z.number(),
  /** What opened it, in words. */
  reason: z.string(),
  lastRunId: z.string().nullable(),
  closedAt: z.number().nullable(),
  closedBy: z.enum(['recovery', 'acknowledged', 'task-removed']).nullable(),
  alertIds: z.array(z.string()),
});

const watch = z.object({
  consecutiveFailures: z.number().int().min(0),
  durations: z.array(z.number()),
  incidentId: z.string().nullable(),
  acknowledged: z.boolean(),
  checkedThrough: z.number().nullable().default(null),
  onTimeThrough: z.number().nullable().default(null),
  missedIncidentId: z.string().nullable().default(null),
});

const stateFile = z.object({
  version: z.literal(1),
  watches: z.record(z.string(), watch),
  incidents: z.array(incident),
});

export type Incident = z.output<typeof incident>;

/** Closed incidents kept, newest first, beyond those inside the retention window. */
const KEEP_CLOSED = 1000;
const SAVE_DELAY_MS = 1000;

/**
 * Incidents (one per failure or missed-run episode) and each task's watch, in
 * <dataDir>/alerts/state.json. Saved atomically a second after a change and on close, and only
 * when its text changed.
 */
export class IncidentBook {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #watches = new Map<string, TaskWatch>();
  #incidents: Incident[] = [];
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> = Promise.resolve();
  /** The text last written or read, so a flush with nothing new writes nothing. */
  #saved: string | null = null;

  constructor(options: { path: string; clock: Clock; logger: Logger }) {
    this.#path = options.path;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** Reads the file; one that does not parse is moved aside (kept) and alerts start afresh. */
  async load(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let parsed: z.ZodSafeParseResult<z.output<typeof stateFile>>;
    try {
      parsed = stateFile.safeParse(JSON.parse(text));
    } catch {
      parsed = stateFile.safeParse(null);
    }
    if (!parsed.success) {
      const movedTo = moveAside(this.#path, this.#clock.now());
      return `Alerts: state.json could not be read; it was moved to ${movedTo} (kept) and open incidents start afresh.`;
    }
    this.#watches = new Map(Object.entries(parsed.data.watches));
    this.#incidents = parsed.data.incidents;
    this.#saved = this.#text();
    return null;
  }

  watch(taskId: string): TaskWatch {
    return this.#watches.get(taskId) ?? emptyWatch();
  }

  setWatch(taskId: string, next: TaskWatch): void {
    const before = this.#watches.get(taskId);
    this.#watches.set(taskId, next);
    if (before === undefined || JSON.stringify(before) !== JSON.stringify(next)) this.#changed();
  }

  get(id: string): Incident | undefined {
    return this.#incidents.find((i) => i.id === id);
  }

  /** Newest first. */
  list(filter: { open?: boolean; taskId?: string } = {}): Incident[] {
    return this.#incidents
      .filter((i) => filter.open === undefined || (i.closedAt === null) === filter.open)
      .filter((i) => filter.taskId === undefined || i.taskId === filter.taskId)
      .sort((a, b) => b.openedAt - a.openedAt);
  }

  open(next: Omit<Incident, 'closedAt' | 'closedBy'>): Incident {
    const created: Incident = { ...next, closedAt: null, closedBy: null };
    this.#incidents.push(created);
    const field = next.kind === 'missed' ? 'missedIncidentId' : 'incidentId';
    this.setWatch(next.taskId, { ...this.watch(next.taskId), [field]: created.id });
    return created;
  }

  /** Closes an open incident; false when it was already closed or unknown. */
  close(id: string, by: NonNullable<Incident['closedBy']>): Incident | null {
    const found = this.get(id);
    if (!found || found.closedAt !== null) return null;
    found.closedAt = this.#clock.now();
    found.closedBy = by;
    const w = this.watch(found.taskId);
    if (w.incidentId === id)
      this.setWatch(found.taskId, { ...w, incidentId: null, acknowledged: by === 'acknowledged' });
    if (w.missedIncidentId === id) this.setWatch(found.taskId, { ...w, missedIncidentId: null });
    this.#changed();
    return found;
  }

  addAlert(incidentId: string, alertId: string): void {
    this.get(incidentId)?.alertIds.push(alertId);
    this.#changed();
  }

  /** Forgets closed incidents older than `beforeMs`, keeping at most KEEP_CLOSED. */
  prune(beforeMs: number): void {
    const open = this.#incidents.filter((i) => i.closedAt === null);
    const closed = this.#incidents
      .filter((i) => i.closedAt !== null && i.closedAt >= beforeMs)
      .sort((a, b) => b.openedAt - a.openedAt)
      .slice(0, KEEP_CLOSED);
    if (open.length + closed.length !== this.#incidents.length) {
      this.#incidents = [...open, ...closed];
      this.#changed();
    }
  }

  /** A removed task's watch goes and its open incident closes. */
  forgetTask(taskId: string): void {
    const w = this.#watches.get(taskId);
    if (w?.incidentId) this.close(w.incidentId, 'task-removed');
    if (w?.missedIncidentId) this.close(w.missedIncidentId, 'task-removed');
    this.#watches.delete(taskId);
    this.#changed();
  }

  #text(): string {
    return JSON.stringify({
      version: 1,
      watches: Object.fromEntries(this.#watches),
      incidents: this.#incidents,
    });
  }

  #changed(): void {
    if (this.#saveTimer) return;
    // A real timer even under a virtual clock: saving is about the disk, not the schedule.
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      void this.flush();
    }, SAVE_DELAY_MS);
    this.#saveTimer.unref();
  }

  /** Writes now, unless the file already holds exactly this; later calls wait for earlier writes. */
  flush(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    const text = this.#text();
    // Close and the switch's checks flush often; an unchanged file is not rewritten (and fsync'd).
    if (text === this.#saved) return this.#saving;
    this.#saved = text;
    this.#saving = this.#saving
      .then(() => atomicWrite(this.#path, text, { mode: 0o600 }))
      .catch((error: unknown) => {
        this.#saved = null; // the next flush tries again
        this.#logger.error('Alerts: saving state.json failed', error);
      });
    return this.#saving;
  }
}
