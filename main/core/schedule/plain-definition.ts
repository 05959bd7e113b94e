import { SEGMENT_PATTERN } from '../model/names.js';
import type { TaskDefinition, TaskDefinitionInput } from '../model/task.js';
import { taskDefinition, taskPolicies } from '../model/task.js';

/**
 * The policies a task gets when it sets none, as the schema fills them in. The nested objects
 * are frozen and shared by every such task: nothing changes a definition in place (a change
 * makes a new one), and at 100,000 registrations a copy each is heap and collector work.
 */
const DEFAULT_POLICIES = deepFreeze(taskPolicies.parse({}));

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value))
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}

/** The definition's fields; any other field of an input (action, id, pattern…) is dropped. */
const DEFINITION_KEYS = new Set(Object.keys(taskDefinition.shape));
/** Optional definition fields the plain path takes only when absent or undefined. */
const ABSENT_KEYS = ['triggers', 'conditions'] as const;
/** The fields the plain path reads itself; any other definition field takes the schema path. */
const PLAIN_KEYS = new Set<string>([
  'name',
  'project',
  'group',
  'schedule',
  'timezone',
  ...ABSENT_KEYS,
]);

/** A name, project or group the schema would take as written (its checks, nothing to trim). */
function plainSegment(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    SEGMENT_PATTERN.test(value) &&
    !value.includes('..') &&
    !value.endsWith('.') &&
    !value.endsWith(' ')
  );
}

/** A cron pattern the schema would take as written: 1-256 characters, nothing to trim. */
function plainPattern(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 256 &&
    value.trim().length === value.length
  );
}

/** Only definition fields the plain path reads, or others left undefined (their defaults). */
function onlyPlainFields(input: object): boolean {
  for (const key in input) {
    if (PLAIN_KEYS.has(key) || !DEFINITION_KEYS.has(key)) continue;
    if ((input as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}

/**
 * The definition of the most common registration (a cron task with a name, maybe a project,
 * group and zone, default policies, no triggers and no conditions) read without the schema, exactly as the
 * schema reads it: same fields, same order, same values. Returns null for anything else, or
 * anything the schema would change or refuse; the schema then reads it and names what is wrong.
 * The schema's generic object parse was a third of the time of registering 100,000 tasks.
 */
export function plainCronDefinition(input: TaskDefinitionInput): TaskDefinition | null {
  const { name, project, group, schedule, timezone } = input;
  if (schedule?.kind !== 'cron') return null;
  for (const key of ABSENT_KEYS) if (input[key] !== undefined) return null;
  const { pattern, dayMatch } = schedule;
  if (!plainPattern(pattern)) return null;
  if (dayMatch !== undefined && dayMatch !== 'or' && dayMatch !== 'and') return null;
  if (!plainSegment(name)) return null;
  if (project !== undefined && !plainSegment(project)) return null;
  if (group !== undefined && !plainSegment(group)) return null;
  if (timezone !== undefined && !(typeof timezone === 'string' && timezone.length <= 64))
    return null;
  if (!onlyPlainFields(input)) return null;
  const p = DEFAULT_POLICIES;
  // Every field written out in the schema's order, not `{ ...DEFAULT_POLICIES, name, … }`: the
  // spread of a frozen object gives a small object whose other fields go to a second store
  // (136 B more per task, and a slower read of each), and 100,000 tasks keep theirs.
  const def: TaskDefinition = {
    enabled: p.enabled,
    priority: p.priority,
    timeoutMs: p.timeoutMs,
    maxRetries: p.maxRetries,
    retryDelayMs: p.retryDelayMs,
    backoffFactor: p.backoffFactor,
    retryMaxDelayMs: p.retryMaxDelayMs,
    overlap: p.overlap,
    maxConcurrent: p.maxConcurrent,
    catchUp: p.catchUp,
    resultCache: p.resultCache,
    notes: p.notes,
    runOn: p.runOn,
    name,
    project: project ?? 'default',
    group: group ?? 'default',
    schedule: { kind: 'cron', pattern, dayMatch: dayMatch ?? 'or' },
  };
  // The schema keeps an optional field given as undefined; so does this.
  if ('timezone' in input) def.timezone = timezone;
  for (const key of ABSENT_KEYS) if (key in input) def[key] = undefined;
  return def;
}
