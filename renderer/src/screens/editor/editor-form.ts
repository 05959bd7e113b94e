import type { TaskView } from '../../../../main/api/contract.js';
import type { ActionInput } from '../../../../main/core/model/action.js';
import type { ScheduleInput } from '../../../../main/core/model/schedule.js';
import type {
  CatchUpPolicy,
  OverlapPolicy,
  TaskCreateInput,
} from '../../../../main/core/model/task.js';
import { taskCreateInput } from '../../../../main/core/model/task.js';
import { toLocalInputValue } from '../../format/time-format.js';
import type { TriggersForm } from './triggers-form.js';
import { emptyTriggers, triggersFormOf, triggersOf } from './triggers-form.js';
import type { ConditionsForm } from './conditions-form.js';
import { conditionsFormOf, conditionsOf, emptyConditions } from './conditions-form.js';
import type { TimeUnit } from './time-units.js';
import { UNIT_MS, splitUnit } from './time-units.js';

export type ScheduleKind = ScheduleInput['kind'];
export type ActionKind = ActionInput['kind'];

/** A name/value row of env variables or HTTP headers. `key` keeps React rows stable. */
export interface PairRow {
  key: number;
  name: string;
  value: string;
  secret: boolean;
}

/**
 * Everything the editor shows, as the inputs hold it (numbers as text), so half-typed values
 * survive re-renders. `toInput` turns it into the contract's request.
 */
export interface EditorForm {
  name: string;
  project: string;
  group: string;
  notes: string;
  scheduleKind: ScheduleKind;
  cronPattern: string;
  dayMatch: 'or' | 'and';
  everyValue: string;
  everyUnit: TimeUnit;
  waitValue: string;
  waitUnit: TimeUnit;
  maxCycles: string;
  /** datetime-local value, in the browser's zone. */
  onceAt: string;
  /** '' means the machine's zone. */
  timezone: string;
  actionKind: ActionKind;
  shellMode: 'exec' | 'script';
  program: string;
  /** One argument per line: no quoting rules to get wrong. */
  args: string;
  shell: 'sh' | 'bash' | 'powershell' | 'cmd';
  script: string;
  cwd: string;
  env: PairRow[];
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers: PairRow[];
  body: string;
  expectMin: string;
  expectMax: string;
  file: string;
  exportName: string;
  memoryMb: string;
  enabled: boolean;
  priority: string;
  timeoutSeconds: string;
  maxRetries: string;
  retryDelaySeconds: string;
  overlap: OverlapPolicy;
  maxConcurrent: string;
  catchUp: CatchUpPolicy;
  catchUpCap: string;
  catchUpDeadlineMinutes: string;
  cacheEnabled: boolean;
  cacheExpireSeconds: string;
  cacheToleranceSeconds: string;
  /** "Run on": this computer, or a cluster queue served by `crontray worker`. */
  runOnKind: 'local' | 'cluster';
  runOnQueue: string;
  /** More schedules, random delay, quiet windows, events. */
  triggers: TriggersForm;
  /** Power, network and idle conditions, and what a run does while they do not hold. */
  conditions: ConditionsForm;
}

let nextKey = 1;
export function newPair(secret = false): PairRow {
  return { key: nextKey++, name: '', value: '', secret };
}

export function emptyForm(): EditorForm {
  return {
    name: '',
    project: 'default',
    group: 'default',
    notes: '',
    scheduleKind: 'cron',
    cronPattern: '*/5 * * * *',
    dayMatch: 'or',
    everyValue: '5',
    everyUnit: 'minutes',
    waitValue: '1',
    waitUnit: 'minutes',
    maxCycles: '',
    onceAt: '',
    timezone: '',
    actionKind: 'shell',
    shellMode: 'exec',
    program: '',
    args: '',
    shell: 'sh',
    script: '',
    cwd: '',
    env: [],
    method: 'GET',
    url: '',
    headers: [],
    body: '',
    expectMin: '200',
    expectMax: '299',
    file: '',
    exportName: 'default',
    memoryMb: '256',
    enabled: true,
    priority: '0',
    timeoutSeconds: '0',
    maxRetries: '0',
    retryDelaySeconds: '1',
    overlap: 'skip',
    maxConcurrent: '1',
    catchUp: 'none',
    catchUpCap: '10',
    catchUpDeadlineMinutes: '0',
    cacheEnabled: false,
    cacheExpireSeconds: '300',
    cacheToleranceSeconds: '0',
    runOnKind: 'local',
    runOnQueue: '',
    triggers: emptyTriggers(),
    conditions: emptyConditions(),
  };
}

/** Text to number; '' and junk become NaN so the schema refuses them with its own message. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function pairs(list: { name: string; value: string; secret?: boolean }[]): PairRow[] {
  return list.map((p) => ({
    key: nextKey++,
    name: p.name,
    value: p.value,
    secret: p.secret ?? false,
  }));
}

export function scheduleOf(form: EditorForm): ScheduleInput {
  const cycles = form.maxCycles.trim() === '' ? {} : { maxCycles: num(form.maxCycles) };
  switch (form.scheduleKind) {
    case 'cron':
      return { kind: 'cron', pattern: form.cronPattern, dayMatch: form.dayMatch };
    case 'interval':
      return {
        kind: 'interval',
        everyMs: Math.round(num(form.everyValue) * UNIT_MS[form.everyUnit]),
        ...cycles,
      };
    case 'routine':
      return {
        kind: 'routine',
        waitMs: Math.round(num(form.waitValue) * UNIT_MS[form.waitUnit]),
        ...cycles,
      };
    case 'once': {
      const at = form.onceAt ? new Date(form.onceAt).getTime() : Number.NaN;
      return { kind: 'once', at };
    }
  }
}

export function actionOf(form: EditorForm): ActionInput {
  const rows = (list: PairRow[]) =>
    list
      .filter((p) => p.name !== '' || p.value !== '')
      .map(({ name, value, secret }) => ({ name, value, secret }));
  switch (form.actionKind) {
    case 'shell':
      return {
        kind: 'shell',
        mode: form.shellMode,
        program: form.program,
        args: form.args === '' ? [] : form.args.split('\n'),
        shell: form.shell,
        script: form.script,
        ...(form.cwd.trim() ? { cwd: form.cwd } : {}),
        env: rows(form.env),
      };
    case 'http':
      return {
        kind: 'http',
        method: form.method,
        url: form.url,
        headers: rows(form.headers),
        ...(form.body !== '' ? { body: form.body } : {}),
        expectStatus: { min: num(form.expectMin), max: num(form.expectMax) },
      };
    case 'script':
      return {
        kind: 'script',
        file: form.file,
        exportName: form.exportName || 'default',
        memoryMb: num(form.memoryMb),
      };
  }
}

export function toInput(form: EditorForm): TaskCreateInput {
  const triggers = triggersOf(form.triggers);
  const conditions = conditionsOf(form.conditions);
  return {
    name: form.name,
    project: form.project,
    group: form.group,
    notes: form.notes,
    schedule: scheduleOf(form),
    ...(form.timezone ? { timezone: form.timezone } : {}),
    ...(triggers ? { triggers } : {}),
    ...(conditions ? { conditions } : {}),
    action: actionOf(form),
    enabled: form.enabled,
    priority: num(form.priority),
    timeoutMs: Math.round(num(form.timeoutSeconds) * 1000),
    maxRetries: num(form.maxRetries),
    retryDelayMs: Math.round(num(form.retryDelaySeconds) * 1000),
    overlap: form.overlap,
    maxConcurrent: num(form.maxConcurrent),
    catchUp: {
      policy: form.catchUp,
      cap: num(form.catchUpCap),
      deadlineMs: Math.round(num(form.catchUpDeadlineMinutes) * 60_000),
    },
    resultCache: form.cacheEnabled
      ? {
          expireMs: Math.round(num(form.cacheExpireSeconds) * 1000),
          toleranceSeconds: num(form.cacheToleranceSeconds),
        }
      : null,
    runOn:
      form.runOnKind === 'cluster'
        ? { kind: 'cluster', queue: form.runOnQueue.trim() }
        : { kind: 'local' },
  };
}

/**
 * Checks the form against the same schema the service applies, so Save can stay disabled
 * until it would be accepted. Problems are keyed by the contract's field paths.
 */
export function validateForm(form: EditorForm): Map<string, string> {
  const problems = new Map<string, string>();
  const parsed = taskCreateInput.safeParse(toInput(form));
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.');
    let message = issue.message;
    if (/expected number, received NaN/i.test(message)) message = 'must be a number';
    if (!problems.has(field)) problems.set(field, message);
  }
  return problems;
}

/** The form for an existing task. Secret values arrive masked and are sent back masked. */
export function formOf(task: TaskView): EditorForm {
  const form = emptyForm();
  Object.assign(form, {
    name: task.name,
    project: task.project,
    group: task.group,
    notes: task.notes,
    timezone: task.timezone ?? '',
    enabled: task.enabled,
    priority: String(task.priority),
    timeoutSeconds: String(task.timeoutMs / 1000),
    maxRetries: String(task.maxRetries),
    retryDelaySeconds: String(task.retryDelayMs / 1000),
    overlap: task.overlap,
    maxConcurrent: String(task.maxConcurrent),
    catchUp: task.catchUp.policy,
    catchUpCap: String(task.catchUp.cap),
    catchUpDeadlineMinutes: String(task.catchUp.deadlineMs / 60_000),
    cacheEnabled: task.resultCache !== null,
    cacheExpireSeconds: String((task.resultCache?.expireMs ?? 300_000) / 1000),
    cacheToleranceSeconds: String(task.resultCache?.toleranceSeconds ?? 0),
    runOnKind: task.runOn.kind,
    runOnQueue: task.runOn.kind === 'cluster' ? task.runOn.queue : '',
    triggers: triggersFormOf(task.triggers),
    conditions: conditionsFormOf(task.conditions),
  } satisfies Partial<EditorForm>);
  const s = task.schedule;
  form.scheduleKind = s.kind;
  if (s.kind === 'cron') Object.assign(form, { cronPattern: s.pattern, dayMatch: s.dayMatch });
  if (s.kind === 'interval') {
    const { value, unit } = splitUnit(s.everyMs);
    Object.assign(form, {
      everyValue: value,
      everyUnit: unit,
      maxCycles: s.maxCycles ? String(s.maxCycles) : '',
    });
  }
  if (s.kind === 'routine') {
    const { value, unit } = splitUnit(s.waitMs);
    Object.assign(form, {
      waitValue: value,
      waitUnit: unit,
      maxCycles: s.maxCycles ? String(s.maxCycles) : '',
    });
  }
  if (s.kind === 'once') {
    form.onceAt = toLocalInputValue(s.at);
  }
  const a = task.action;
  if (a) {
    form.actionKind = a.kind;
    if (a.kind === 'shell') {
      Object.assign(form, {
        shellMode: a.mode,
        program: a.program,
        args: a.args.join('\n'),
        shell: a.shell,
        script: a.script,
        cwd: a.cwd ?? '',
        env: pairs(a.env),
      });
    }
    if (a.kind === 'http') {
      Object.assign(form, {
        method: a.method,
        url: a.url,
        headers: pairs(a.headers),
        body: a.body ?? '',
        expectMin: String(a.expectStatus.min),
        expectMax: String(a.expectStatus.max),
      });
    }
    if (a.kind === 'script') {
      Object.assign(form, { file: a.file, exportName: a.exportName, memoryMb: String(a.memoryMb) });
    }
  }
  return form;
}
