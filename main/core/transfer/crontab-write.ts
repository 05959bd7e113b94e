import type { Action, ShellAction } from '../model/action.js';
import type { TaskDefinition } from '../model/task.js';
import { CRON_NICKNAMES } from './crontab-line.js';
import { joinCronPercent } from './cron-percent.js';
import { shellQuote, stdinOfScript } from './stdin-script.js';

export interface ExportTask {
  id: string;
  definition: TaskDefinition;
  /** null when the action is locked (cannot be decrypted). */
  action: Action | null;
}

export interface WrittenCrontab {
  text: string;
  exported: number;
  /** Tasks cron cannot express, with the reason; they are not in `text` as tasks. */
  notExported: { taskId: string; name: string; reason: string }[];
  /** Exported, but something about them is lost or changed in the crontab. */
  warnings: { taskId: string; name: string; message: string }[];
}

interface CronLine {
  task: ExportTask;
  pattern: string;
  command: string;
  shell: 'sh' | 'bash';
  env: [string, string][];
  secrets: string[];
}

const ORIGIN_NOTE = /^Imported from crontab line \d+:/;

/** The five cron fields (or a nickname) of a pattern, or why cron cannot express it. */
function cronPattern(pattern: string): { pattern: string } | { reason: string } {
  const trimmed = pattern.trim();
  if (trimmed.startsWith('@')) {
    const known = CRON_NICKNAMES[trimmed.toLowerCase()];
    return known ? { pattern: trimmed.toLowerCase() } : { reason: `cron has no ${trimmed}` };
  }
  let fields = trimmed.split(/\s+/);
  if (fields.length === 7) {
    if (fields[6] !== '*')
      return { reason: `it is limited to the years ${fields[6]}; cron has no year field` };
    fields = fields.slice(0, 6);
  }
  if (fields.length === 6) {
    if (fields[0] !== '0')
      return { reason: `it runs at second(s) ${fields[0]}; cron counts minutes only` };
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return { reason: `its pattern '${trimmed}' does not have five fields` };
  if (fields.some((f) => /H/.test(f)))
    return { reason: 'it uses H (a spread time); classic cron has no H' };
  if (/[LW#?]/i.test(`${fields[2]}${fields[4]}`)) {
    return { reason: 'it uses L, W, # or ? in its days; classic cron has none of these' };
  }
  return { pattern: fields.join(' ') };
}

/** The shell command a crontab line runs for this action, or why there is none. */
function commandOf(action: ShellAction): { command: string } | { reason: string } {
  if (action.mode === 'script' && (action.shell === 'powershell' || action.shell === 'cmd'))
    return { reason: `it runs with ${action.shell}; cron runs sh` };
  let command: string;
  let stdin: string | null = null;
  if (action.mode === 'exec') command = [action.program, ...action.args].map(shellQuote).join(' ');
  else {
    const piped = stdinOfScript(action.script);
    command = piped ? piped.command : action.script.trim();
    stdin = piped ? piped.stdin : null;
  }
  if (command.includes('\n'))
    return { reason: 'its script has several lines; a crontab line holds one' };
  if (action.cwd) command = `cd ${shellQuote(action.cwd)} && ${command}`;
  return { command: joinCronPercent(command, stdin) };
}

function toCronLine(task: ExportTask): CronLine | { reason: string } {
  const { definition: def, action } = task;
  if (action === null) return { reason: 'its action is locked (it cannot be decrypted here)' };
  if (def.schedule.kind !== 'cron') {
    return {
      reason: `it runs on a${def.schedule.kind === 'interval' ? 'n' : ''} ${def.schedule.kind} schedule; a crontab holds cron patterns only`,
    };
  }
  if (action.kind === 'http')
    return { reason: 'it makes a web request; a crontab runs commands only' };
  if (action.kind === 'script')
    return { reason: 'it runs a JavaScript file in a worker; a crontab runs commands only' };
  if (def.triggers?.eventsOnly && !startOnly(def))
    return { reason: 'it runs only after the machine wakes; cron has no such event' };
  const pattern = startOnly(def) ? { pattern: '@reboot' } : cronPattern(def.schedule.pattern);
  if ('reason' in pattern) return pattern;
  const fields = pattern.pattern.split(' ');
  if (
    def.schedule.dayMatch === 'and' &&
    fields.length === 5 &&
    fields[2] !== '*' &&
    fields[4] !== '*'
  ) {
    return {
      reason: 'it needs both its day of month and its weekday to match; cron runs when either does',
    };
  }
  const command = commandOf(action);
  if ('reason' in command) return command;
  return {
    task,
    pattern: pattern.pattern,
    command: command.command,
    shell: action.mode === 'script' && action.shell === 'bash' ? 'bash' : 'sh',
    // A crontab is plain text: secret values stay out of it (the export says which).
    env: action.env.filter((p) => !p.secret).map((p) => [p.name, p.value]),
    secrets: action.env.filter((p) => p.secret).map((p) => p.name),
  };
}

/** A task only 'when Crontray starts' starts: cron's @reboot, as the import reads it back. */
function startOnly(def: TaskDefinition): boolean {
  const t = def.triggers;
  return t !== undefined && t.eventsOnly && t.events.length === 1 && t.events[0] === 'start';
}

/** Triggers a crontab line cannot carry: written without them, and the export says so. */
function lostTriggers(def: TaskDefinition): string[] {
  const t = def.triggers;
  if (t === undefined || startOnly(def)) return [];
  return [
    t.schedules.length > 0 ? `${t.schedules.length} more schedule(s)` : null,
    t.jitterSec > 0 ? `a random delay of up to ${t.jitterSec} s` : null,
    t.quiet.windows.length > 0 ? `${t.quiet.windows.length} quiet window(s)` : null,
    t.events.includes('start') ? "the 'when Crontray starts' event" : null,
    t.events.includes('wake') ? "the 'after the machine wakes' event" : null,
    t.after.length > 0 ? `running after ${t.after.length} other task(s)` : null,
  ].filter((x) => x !== null);
}

function lostPolicies(def: TaskDefinition): string | null {
  const lost = [
    def.maxRetries > 0 ? `${def.maxRetries} retries` : null,
    def.timeoutMs > 0 ? `a ${Math.round(def.timeoutMs / 1000)} s timeout` : null,
    def.catchUp.policy !== 'none' ? `catch-up '${def.catchUp.policy}'` : null,
  ].filter((x) => x !== null);
  return lost.length ? `cron has no ${lost.join(', ')}` : null;
}

/** Environment, shell and zone lines needed before `line`, given what earlier lines set. */
function preamble(
  line: CronLine,
  state: { env: Map<string, string>; shell: string; zone: string },
): string[] {
  const out: string[] = [];
  const zone = line.task.definition.timezone ?? '';
  if (zone !== state.zone) out.push(`CRON_TZ=${zone}`);
  state.zone = zone;
  if (line.shell !== state.shell) out.push(`SHELL=/bin/${line.shell}`);
  state.shell = line.shell;
  const wanted = new Map(line.env);
  for (const name of state.env.keys()) if (!wanted.has(name)) out.push(`${name}=`);
  for (const [name, value] of wanted) {
    if (state.env.get(name) !== value)
      out.push(`${name}=${/^\s|\s$|^["']/.test(value) ? `"${value}"` : value}`);
  }
  state.env = wanted;
  return out;
}

/**
 * Writes the tasks cron can express as a crontab. Tasks are grouped by zone, shell and
 * environment so cron's "applies to the lines below" settings change as seldom as possible; a
 * variable an earlier task set and a later one does not have is set empty (cron cannot unset).
 */
export function writeCrontab(tasks: ExportTask[], options: { exportedAt: number }): WrittenCrontab {
  const lines: CronLine[] = [];
  const notExported: WrittenCrontab['notExported'] = [];
  const warnings: WrittenCrontab['warnings'] = [];
  for (const task of tasks) {
    const line = toCronLine(task);
    if ('reason' in line)
      notExported.push({ taskId: task.id, name: task.definition.name, reason: line.reason });
    else lines.push(line);
  }
  const key = (l: CronLine) =>
    `${l.task.definition.timezone ?? ''}\u0000${l.shell}\u0000${JSON.stringify(l.env)}`;
  lines.sort((a, b) => key(a).localeCompare(key(b)));
  const out = [
    `# Exported from Crontray on ${new Date(options.exportedAt).toISOString()}: ${lines.length} task(s).`,
  ];
  for (const n of notExported) out.push(`# Not exported: ${n.name}: ${n.reason}.`);
  const state = { env: new Map<string, string>(), shell: 'sh', zone: '' };
  for (const line of lines) {
    const def = line.task.definition;
    const id = { taskId: line.task.id, name: def.name };
    out.push('', ...preamble(line, state));
    for (const note of def.notes.split('\n')) {
      if (note.trim() !== '' && !ORIGIN_NOTE.test(note)) out.push(`# ${note}`);
    }
    const lost = lostPolicies(def);
    if (lost) warnings.push({ ...id, message: lost });
    const triggers = lostTriggers(def);
    if (triggers.length > 0)
      warnings.push({
        ...id,
        message: `written without what cron cannot carry: ${triggers.join(', ')}`,
      });
    if (!def.enabled) warnings.push({ ...id, message: 'disabled, so written commented out' });
    for (const name of line.secrets) {
      out.push(`# ${name}=<secret left out: set it by hand>`);
      warnings.push({
        ...id,
        message: `the secret '${name}' was left out (a crontab is plain text); set it by hand or export a bundle with a passphrase`,
      });
    }
    out.push(`${def.enabled ? '' : '#'}${line.pattern} ${line.command}`);
  }
  return { text: `${out.join('\n')}\n`, exported: lines.length, notExported, warnings };
}
