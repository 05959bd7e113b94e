import type { z } from 'zod';
import type {
  Handlers,
  ParsedRequestOf,
  TransferExport,
  TransferPreview,
} from '../../api/contract.js';
import { taskCreateInput } from '../model/task.js';
import { planCrontab } from '../transfer/crontab-plan.js';
import { BundleError, looksLikeBundle, readBundle } from '../transfer/bundle-read.js';
import { writeBundle } from '../transfer/bundle-write.js';
import { writeCrontab } from '../transfer/crontab-write.js';
import type { ExportTask } from '../transfer/crontab-write.js';
import type { ImportDraft, ImportPlan } from '../transfer/import-plan.js';
import { orderByChains, remapLinks } from '../transfer/import-chains.js';
import type { CoreParts } from './core-parts.js';
import { ServiceError, invalid, notFound } from './service-error.js';
import { definitionOf } from './task-writes.js';

type TransferHandlers = Pick<Handlers, 'transfer:preview' | 'transfer:import' | 'transfer:export'>;
type TaskWrites = Pick<Handlers, 'tasks:create' | 'tasks:delete'>;
type Source = ParsedRequestOf<'transfer:preview'>;

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/^TaskScheduler: /, '');

/** Emits progress about a hundred times per operation at most, and always at the end. */
function progress(
  parts: CoreParts,
  operation: 'import' | 'export',
  operationId: string | null,
  total: number,
) {
  const step = Math.max(1, Math.floor(total / 100));
  return (done: number) => {
    if (done % step === 0 || done === total)
      parts.events.emit('transfer:progress', { operationId, operation, done, total });
  };
}

type SourcePlan = ImportPlan & { secretsSealed: boolean };
type MarkedPlan = SourcePlan & {
  source: 'crontab' | 'bundle';
  outside: (taskId: string) => string | null;
};

/** Reads the source and marks what the engine refuses and what exists already. */
async function planOf(parts: CoreParts, source: Source, forPreview: boolean): Promise<MarkedPlan> {
  const kind =
    source.format === 'auto'
      ? looksLikeBundle(source.text)
        ? 'bundle'
        : 'crontab'
      : source.format;
  const plan =
    kind === 'bundle'
      ? await bundlePlan(source, forPreview)
      : {
          ...planCrontab(source.text, {
            project: source.project,
            group: source.group,
            checkPattern: (pattern, timezone) => patternProblem(parts, pattern, timezone),
          }),
          secretsSealed: false,
        };
  return markDrafts(parts, plan, kind);
}

async function bundlePlan(source: Source, forPreview: boolean): Promise<SourcePlan> {
  try {
    const options =
      source.passphrase === undefined
        ? { forPreview }
        : { forPreview, passphrase: source.passphrase };
    return await readBundle(source.text, options);
  } catch (error) {
    if (error instanceof BundleError) throw invalid(error.message, error.field);
    throw error;
  }
}

function patternProblem(
  parts: CoreParts,
  pattern: string,
  timezone: string | undefined,
): string | null {
  try {
    parts.engine.nextRuns(
      { name: 'import-check', schedule: { kind: 'cron', pattern }, timezone },
      1,
    );
    return null;
  } catch (error) {
    return reasonOf(error);
  }
}

/**
 * Marks the drafts of tasks already here ('exists') and those the engine or the schema refuses
 * ('skipped'), then orders the rest parents first; a chain that leads nowhere is refused.
 */
function markDrafts(parts: CoreParts, plan: SourcePlan, kind: 'crontab' | 'bundle'): MarkedPlan {
  const drafts: ImportDraft[] = [];
  // Bundle ids of tasks already here (imported before): links to them follow the task here.
  const twins = new Map<string, string>();
  const mark = (draft: ImportDraft, outcome: 'exists' | 'skipped', message: string) => {
    plan.rows[draft.row] = { ...plan.rows[draft.row]!, outcome, message };
  };
  for (const draft of plan.drafts) {
    const task = draft.task;
    const twin = parts.store
      .listTasks()
      .find(
        (t) =>
          t.name === task.name &&
          t.project === (task.project ?? 'default') &&
          t.group === (task.group ?? 'default'),
      );
    if (twin) {
      if (draft.sourceId !== undefined) twins.set(draft.sourceId, twin.id);
      mark(draft, 'exists', `'${task.name}' is already there (imported before); left as it is`);
      continue;
    }
    const parsed = taskCreateInput.safeParse(task);
    // Crontab patterns were checked line by line already; a bundle's schedules are checked here.
    const problem = !parsed.success
      ? `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`
      : kind === 'bundle'
        ? checkSchedule(parts, parsed.data)
        : null;
    if (problem) mark(draft, 'skipped', `not imported: ${problem}`);
    else drafts.push(draft);
  }
  const outside = (taskId: string) =>
    twins.get(taskId) ?? (parts.store.getTask(taskId) ? taskId : null);
  const chained = orderByChains(drafts, outside);
  for (const { draft, field, message } of chained.refused)
    mark(draft, 'skipped', `not imported: ${field}: ${message}`);
  return { ...plan, drafts: chained.ordered, source: kind, outside };
}

function checkSchedule(parts: CoreParts, task: z.output<typeof taskCreateInput>): string | null {
  try {
    parts.engine.nextRuns(task, 1);
    return null;
  } catch (error) {
    return reasonOf(error);
  }
}

function previewOf(
  plan: ImportPlan & { source: 'crontab' | 'bundle'; secretsSealed: boolean },
): TransferPreview {
  const count = (outcome: string) => plan.rows.filter((r) => r.outcome === outcome).length;
  return {
    source: plan.source,
    rows: plan.rows,
    counts: { tasks: count('task'), existing: count('exists'), skipped: count('skipped') },
    secretsSealed: plan.secretsSealed,
  };
}

function exportTasks(parts: CoreParts, taskIds: string[] | undefined): ExportTask[] {
  const ids = taskIds ?? parts.store.listTasks().map((t) => t.id);
  return ids.map((id) => {
    const task = parts.store.getTask(id);
    if (!task) throw notFound(`Export: no task with id '${id}'; it may have been deleted`);
    return { id, definition: definitionOf(task), action: null };
  });
}

function fileName(format: 'crontab' | 'bundle', now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `crontray-${stamp}.${format === 'crontab' ? 'crontab' : 'json'}`;
}

/** Creates every task of the plan, parents first; all or nothing. */
async function importAll(
  parts: CoreParts,
  tasks: TaskWrites,
  request: ParsedRequestOf<'transfer:import'>,
) {
  const plan = await planOf(parts, request, false);
  const tick = progress(parts, 'import', request.operationId ?? null, plan.drafts.length);
  tick(0);
  const created: { id: string; name: string }[] = [];
  // Bundle id -> new id, so a task created later runs after its parent's new id.
  const newIds = new Map<string, string>();
  const idOf = (taskId: string) => newIds.get(taskId) ?? plan.outside(taskId);
  for (const draft of plan.drafts) {
    try {
      const view = await tasks['tasks:create'](taskCreateInput.parse(remapLinks(draft, idOf)));
      created.push({ id: view.id, name: view.name });
      if (draft.sourceId !== undefined) newIds.set(draft.sourceId, view.id);
    } catch (error) {
      // All or nothing: take back what this import created, then say where it stopped.
      for (const done of created.reverse())
        await tasks['tasks:delete']({ id: done.id }).catch(() => undefined);
      const code =
        error instanceof ServiceError && error.code !== 'internal' ? error.code : 'unavailable';
      throw new ServiceError(
        code,
        `Import: task '${draft.task.name}' could not be created (${reasonOf(error)}); the ${created.length} task(s) created before it were removed again, so nothing was imported`,
      );
    }
    tick(created.length);
  }
  return { ...previewOf(plan), created };
}

/** The chosen tasks (all by default) as a crontab or a bundle; locked actions are named, not lost. */
async function exportSome(
  parts: CoreParts,
  request: ParsedRequestOf<'transfer:export'>,
): Promise<TransferExport> {
  const list = exportTasks(parts, request.taskIds);
  const tick = progress(parts, 'export', request.operationId ?? null, list.length);
  tick(0);
  for (const [index, task] of list.entries()) {
    const got = parts.locked.has(task.id) ? null : await parts.vault.get(task.id);
    task.action = got?.ok ? got.action : null;
    tick(index + 1);
  }
  const now = parts.clock.now();
  const base = { format: request.format, fileName: fileName(request.format, now) };
  if (request.format === 'crontab') {
    const written = writeCrontab(list, { exportedAt: now });
    return { ...base, ...written, secretsSealed: 0, secretsLeftOut: [] };
  }
  const locked = list.filter((t) => t.action === null);
  const written = await writeBundle(
    list.flatMap((t) =>
      t.action ? [{ id: t.id, definition: t.definition, action: t.action }] : [],
    ),
    request.passphrase === undefined
      ? { exportedAt: now }
      : { exportedAt: now, passphrase: request.passphrase },
  );
  return {
    ...base,
    text: written.text,
    exported: written.tasks,
    notExported: locked.map((t) => ({
      taskId: t.id,
      name: t.definition.name,
      reason: 'its action is locked (it cannot be decrypted here)',
    })),
    warnings: [],
    secretsSealed: written.secretsSealed,
    secretsLeftOut: written.secretsLeftOut,
  };
}

export function transferHandlers(parts: CoreParts, tasks: TaskWrites): TransferHandlers {
  return {
    'transfer:preview': async (request) => previewOf(await planOf(parts, request, true)),
    'transfer:import': async (request) => importAll(parts, tasks, request),
    'transfer:export': async (request) => exportSome(parts, request),
  };
}
