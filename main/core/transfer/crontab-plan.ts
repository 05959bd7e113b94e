import type { TaskCreateInput } from '../model/task.js';
import { isValidTimezone } from '../model/task.js';
import { parseCrontabLine } from './crontab-line.js';
import type { CrontabLine } from './crontab-line.js';
import { splitCronPercent } from './cron-percent.js';
import { importedTaskName } from './import-name.js';
import { scriptWithStdin } from './stdin-script.js';
import type { ImportRow, ImportDraft, ImportPlan } from './import-plan.js';

export interface CrontabPlanOptions {
  /** Project the imported tasks go to. Default 'crontab'. */
  project?: string;
  /** Group the imported tasks go to. Default 'default'. */
  group?: string;
  /**
   * Checks a pattern with the engine's own rules: null when it is accepted, else the reason.
   * Default: every pattern is accepted (the service always passes the engine's check).
   */
  checkPattern?: (pattern: string, timezone: string | undefined) => string | null;
}

/** What the environment lines above an entry have set so far (cron reads them in order). */
interface CronEnv {
  vars: Map<string, string>;
  shell: 'sh' | 'bash';
  timezone: string | undefined;
}

const NOTES_MAX = 4000;
/** The schedule an @reboot task keeps but never follows (triggers.eventsOnly). */
export const REBOOT_SCHEDULE = '0 0 1 1 *';
// Values of variables named like this are marked secret: masked in the GUI, left out of bundles.
const SECRET_NAME = /(PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH)/i;

/**
 * Reads a crontab (`crontab -l` output, LF or CRLF) into one row per line and a task draft per
 * importable entry. Nothing is saved here; the service shows the rows as the preview and
 * creates the drafts on import.
 */
export function planCrontab(text: string, options: CrontabPlanOptions = {}): ImportPlan {
  const rawLines = text.split('\n');
  // A final newline ends the last line; it does not start an empty one.
  if (rawLines.length > 1 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  const planner = new CrontabPlanner(options);
  rawLines.forEach((raw, index) => planner.read(raw.replace(/\r$/, ''), index + 1));
  return planner.finish();
}

/** Reads a crontab line by line, as cron does: environment lines apply to the entries below. */
class CrontabPlanner {
  readonly #options: CrontabPlanOptions;
  readonly #env: CronEnv = { vars: new Map(), shell: 'sh', timezone: undefined };
  readonly #rows: ImportRow[] = [];
  readonly #drafts: ImportDraft[] = [];
  readonly #namesSeen = new Map<string, number>();
  /** Rows of the comments directly above the next line: an entry's notes, if one comes. */
  #pendingComments: number[] = [];

  constructor(options: CrontabPlanOptions) {
    this.#options = options;
  }

  read(text: string, lineNo: number): void {
    const parsed = parseCrontabLine(text);
    const row: ImportRow = { line: lineNo, text, outcome: 'skipped', message: '', name: null };
    this.#rows.push(row);
    switch (parsed.kind) {
      case 'blank':
        this.#settleComments('comment not directly above a task');
        row.message = 'blank line';
        return;
      case 'comment':
        this.#pendingComments.push(this.#rows.length - 1);
        row.message = 'comment';
        return;
      case 'invalid':
        this.#notImported(row, parsed.reason);
        return;
      case 'env':
        Object.assign(row, applyEnv(this.#env, parsed));
        return;
      case 'entry':
        this.#entry(parsed, row, lineNo);
    }
  }

  finish(): ImportPlan {
    this.#settleComments('comment not directly above a task');
    return { rows: this.#rows, drafts: this.#drafts };
  }

  #entry(parsed: Extract<CrontabLine, { kind: 'entry' }>, row: ImportRow, lineNo: number): void {
    const outcome = entryDraft(parsed, this.#env, this.#options);
    if ('reason' in outcome) return this.#notImported(row, outcome.reason);
    const twin = this.#namesSeen.get(outcome.task.name);
    if (twin !== undefined)
      return this.#notImported(row, `the same command and schedule as line ${twin}`);
    this.#namesSeen.set(outcome.task.name, lineNo);
    const rows = this.#rows;
    const notes = this.#pendingComments
      .map((i) => parseNote(rows[i]!.text))
      .filter((n) => n !== '');
    for (const i of this.#pendingComments) {
      rows[i] = { ...rows[i]!, outcome: 'note', message: `note of the task on line ${lineNo}` };
    }
    this.#pendingComments = [];
    const origin = `Imported from crontab line ${lineNo}: ${row.text.trim()}`;
    outcome.task.notes = [...notes, origin].join('\n').slice(0, NOTES_MAX);
    Object.assign(row, {
      outcome: 'task',
      name: outcome.task.name,
      message: outcome.message,
    } satisfies Partial<ImportRow>);
    this.#drafts.push({ row: rows.length - 1, task: outcome.task });
  }

  #notImported(row: ImportRow, reason: string): void {
    this.#settleComments('comment above a line that was not imported');
    row.message = `not imported: ${reason}`;
  }

  #settleComments(message: string): void {
    for (const i of this.#pendingComments)
      this.#rows[i] = { ...this.#rows[i]!, outcome: 'skipped', message };
    this.#pendingComments = [];
  }
}

function parseNote(line: string): string {
  return line.trimStart().replace(/^#+/, '').trim();
}

/** An environment line changes what the entries below it get, as in cron. */
function applyEnv(
  env: CronEnv,
  line: Extract<CrontabLine, { kind: 'env' }>,
): Pick<ImportRow, 'outcome' | 'message'> {
  const { name, value } = line;
  if (name === 'MAILTO' || name === 'MAILFROM') {
    return {
      outcome: 'skipped',
      message: `not imported: Crontray keeps each run's output in its history instead of mailing it`,
    };
  }
  if (name === 'SHELL') {
    const base = value.split('/').pop() ?? '';
    if (base === 'bash') env.shell = 'bash';
    else env.shell = 'sh';
    if (base === 'bash' || base === 'sh' || base === 'dash') {
      return { outcome: 'env', message: `the tasks below run with ${env.shell}` };
    }
    return {
      outcome: 'skipped',
      message: `not imported: Crontray runs crontab commands with sh or bash, not ${value}; the tasks below use sh`,
    };
  }
  if (name === 'CRON_TZ') {
    if (value !== '' && !isValidTimezone(value)) {
      return {
        outcome: 'skipped',
        message: `not imported: '${value}' is not an IANA time zone; the tasks below keep the zone they had`,
      };
    }
    env.timezone = value === '' ? undefined : value;
    return {
      outcome: 'env',
      message: `the tasks below run in ${env.timezone ?? "this machine's time zone"}`,
    };
  }
  env.vars.set(name, value);
  const secret = SECRET_NAME.test(name) ? ' (kept as a secret)' : '';
  return { outcome: 'env', message: `sets ${name} for the tasks below${secret}` };
}

type EntryOutcome =
  { task: TaskCreateInput & { name: string }; message: string } | { reason: string };

function entryDraft(
  entry: Extract<CrontabLine, { kind: 'entry' }>,
  env: CronEnv,
  options: CrontabPlanOptions,
): EntryOutcome {
  const { command, stdin } = splitCronPercent(entry.command);
  if (command.trim() === '') return { reason: 'there is no command before the first %' };
  const atStart = entry.nickname === '@reboot';
  const problem = atStart ? null : (options.checkPattern?.(entry.pattern, env.timezone) ?? null);
  if (problem !== null) return { reason: problem };
  const name = importedTaskName(entry.nickname ?? entry.pattern, command, stdin);
  const envPairs = [...env.vars].map(([n, value]) => ({
    name: n,
    value,
    secret: SECRET_NAME.test(n),
  }));
  const task: TaskCreateInput & { name: string } = {
    name,
    project: options.project ?? 'crontab',
    group: options.group ?? 'default',
    // @reboot: Crontray's start is the nearest thing to the machine's; the schedule is kept
    // (the model needs one) but only the event starts the task.
    schedule: { kind: 'cron', pattern: atStart ? REBOOT_SCHEDULE : entry.pattern, dayMatch: 'or' },
    action: {
      kind: 'shell',
      mode: 'script',
      shell: env.shell,
      script: scriptWithStdin(command.trim(), stdin),
      env: envPairs,
    },
  };
  if (env.timezone !== undefined) task.timezone = env.timezone;
  if (atStart) task.triggers = { events: ['start'], eventsOnly: true };
  const extras = [
    stdin !== null ? `input after % (${stdin.split('\n').length} line(s))` : null,
    envPairs.length > 0 ? `${envPairs.length} environment variable(s)` : null,
    env.timezone ? `zone ${env.timezone}` : null,
  ].filter((x) => x !== null);
  const note = entry.note === null ? '' : `; ${entry.note}`;
  return {
    task,
    message: `task '${name}' (${atStart ? '@reboot: runs when Crontray starts' : (entry.nickname ?? entry.pattern)})${extras.length ? `, with ${extras.join(', ')}` : ''}${note}`,
  };
}
