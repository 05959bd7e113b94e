import { runStatus, runTrigger, skipReason } from '../model/run.js';
import { parseRunRecord } from '../store/run-record-files.js';
import type { RunSummary, SummarySource } from './run-summary.js';
import { toSummary } from './run-summary.js';

const STATUSES: ReadonlySet<unknown> = new Set(runStatus.options);
const TRIGGERS: ReadonlySet<unknown> = new Set(runTrigger.options);
const SKIP_REASONS: ReadonlySet<unknown> = new Set(skipReason.options);

const isName = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 64;
const isTime = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
/** A nullable field with a default of null: absent, null or a string of at most `max`. */
const isOptText = (v: unknown, max: number): boolean =>
  v === undefined || v === null || (typeof v === 'string' && v.length <= max);
const isOptInt = (v: unknown): boolean => v === undefined || v === null || Number.isSafeInteger(v);

function isOptOutput(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.head === 'string' &&
    typeof o.tail === 'string' &&
    typeof o.truncated === 'boolean' &&
    Number.isSafeInteger(o.totalBytes) &&
    (o.totalBytes as number) >= 0
  );
}

/**
 * True when runRecord (model/run.ts) accepts `r` for sure, checked field by field without zod.
 * It may refuse what the schema would take (a chained run's references, say): such records go
 * through the schema itself. It must never take what the schema refuses.
 */
function plainlyValid(r: Record<string, unknown>): boolean {
  return (
    isName(r.runId) &&
    isName(r.taskId) &&
    isName(r.project) &&
    isName(r.group) &&
    isName(r.name) &&
    isOptText(r.sessionId, 64) &&
    STATUSES.has(r.status) &&
    TRIGGERS.has(r.trigger) &&
    isTime(r.scheduledFor) &&
    isTime(r.startedAt) &&
    isTime(r.endedAt) &&
    (r.heartbeatAt === undefined || isTime(r.heartbeatAt)) &&
    (r.attempt === undefined || (Number.isSafeInteger(r.attempt) && (r.attempt as number) >= 1)) &&
    isOptText(r.firstRunId, 64) &&
    isOptInt(r.exitCode) &&
    isOptInt(r.httpStatus) &&
    isOptOutput(r.stdout) &&
    isOptOutput(r.stderr) &&
    isOptText(r.error, 16_384) &&
    (r.fromCache === undefined || typeof r.fromCache === 'boolean') &&
    (r.rule === undefined || (typeof r.rule === 'string' && r.rule.length <= 512)) &&
    (r.worker === undefined || (typeof r.worker === 'string' && r.worker.length <= 128)) &&
    r.parent === undefined &&
    r.chained === undefined &&
    (r.skipReason === undefined || SKIP_REASONS.has(r.skipReason))
  );
}

/**
 * The summary of a run file's text, as toSummary(parseRunRecord(text)) gives it: a scan reads
 * 100,000 of them, and the schema's parse (and the record it builds, output included) was a
 * third of the time per file. Records the quick check does not vouch for, and broken ones, go
 * through parseRunRecord, which throws with the path and what is wrong.
 */
export function summaryOfText(text: string, path: string): RunSummary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return toSummary(parseRunRecord(text, path));
  const r = json as Record<string, unknown>;
  if (!plainlyValid(r)) return toSummary(parseRunRecord(text, path));
  // The schema's defaults, for fields a record may leave out.
  r.sessionId ??= null;
  r.heartbeatAt ??= null;
  r.attempt ??= 1;
  r.firstRunId ??= null;
  r.exitCode ??= null;
  r.httpStatus ??= null;
  r.error ??= null;
  r.fromCache ??= false;
  return toSummary(r as unknown as SummarySource);
}
