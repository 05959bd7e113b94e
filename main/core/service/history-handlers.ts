import type { Handlers, ParsedRequestOf, ResponseOf } from '../../api/contract.js';
import type { CoreParts } from './core-parts.js';
import { ServiceError, invalid, notFound } from './service-error.js';

type HistoryHandlers = Pick<
  Handlers,
  | 'history:sessions'
  | 'history:runs'
  | 'history:run'
  | 'history:stats'
  | 'history:delete'
  | 'cache:list'
  | 'cache:clear'
>;

export function historyHandlers(parts: CoreParts): HistoryHandlers {
  return {
    'history:sessions': async (request) => sessionsPage(parts, request),
    'history:runs': async (filter) => {
      try {
        return parts.jobs.listAllJobs(filter);
      } catch (error) {
        // The run index refuses a cursor it did not issue with a RangeError; anything else is ours.
        if (!(error instanceof RangeError)) throw error;
        throw invalid(
          'This page cursor was not issued by the history; pass nextCursor from the previous page unchanged.',
          'cursor',
        );
      }
    },
    'history:run': async ({ project, group, name, runId }) => {
      const record = await parts.jobs.readRun(project, group, name, runId);
      if (!record)
        throw notFound(
          `There is no run ${runId} of ${project} / ${group} / ${name}; it may have been removed to keep the history small.`,
        );
      return record;
    },
    'history:stats': async () => parts.jobs.getDashboardStats(),
    'history:delete': async ({ project, group, name, runId }) => {
      const run = parts.jobs.getJob(project, group, name, runId);
      if (!run) throw notFound(`There is no run ${runId} of ${project} / ${group} / ${name}.`);
      if (run.status === 'running' || run.status === 'queued') {
        throw new ServiceError(
          'conflict',
          `Run ${runId} of ${name} is still ${run.status}; cancel it first.`,
        );
      }
      await parts.jobs.deleteJob(project, group, name, runId);
      parts.events.emit('history:changed', { reason: 'delete' });
      return { deleted: true };
    },
    'cache:list': async () =>
      (await parts.cacheDir.list()).map(({ name, sizeBytes, modifiedAt, ageMs }) => ({
        name,
        sizeBytes,
        modifiedAt,
        ageMs,
      })),
    'cache:clear': async (request) => {
      try {
        return { removed: await parts.cacheDir.clear(request?.name) };
      } catch (error) {
        // A name outside the cache folder is the caller's mistake, not an internal failure.
        if (error instanceof RangeError)
          throw invalid(
            `name: '${request?.name ?? ''}' is not a cache file; pass a name from cache:list`,
            'name',
          );
        throw error;
      }
    },
  };
}

/** A page of scheduler sessions, newest first; a session still open counts its time so far. */
async function sessionsPage(
  parts: CoreParts,
  { limit, cursor }: ParsedRequestOf<'history:sessions'>,
): Promise<ResponseOf<'history:sessions'>> {
  const page = await parts.ledger.list(cursor === undefined ? { limit } : { limit, cursor });
  return {
    items: page.sessions.map((s) => ({
      sessionId: s.sessionId,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      durationMs: s.durationMs ?? (s.endedAt === null ? parts.clock.now() - s.startedAt : null),
      endReason: s.endReason,
      cycles: s.cycles,
      counts: s.counts,
    })),
    nextCursor: page.nextCursor,
    total: page.sessions.length,
  };
}
