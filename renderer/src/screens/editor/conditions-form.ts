import type {
  ConditionPolicy,
  TaskConditions,
  TaskConditionsInput,
} from '../../../../main/core/model/conditions.js';
import type { TimeUnit } from './time-units.js';
import { UNIT_MS, splitUnit } from './time-units.js';

/** 'none': no idle condition; 'minutes': idle for N minutes; 'active': never while I am active. */
export type IdleMode = 'none' | 'minutes' | 'active';

/** The editor's "Conditions" section (issue 14), as the inputs hold it (numbers as text). */
export interface ConditionsForm {
  acPower: boolean;
  network: boolean;
  /** '' means "the network is up" is enough. */
  url: string;
  /** How long the URL has to answer: not edited here, sent back as stored. */
  urlTimeoutMs: number | undefined;
  idleMode: IdleMode;
  idleMinutes: string;
  policy: ConditionPolicy;
  deadlineValue: string;
  deadlineUnit: TimeUnit;
}

export function emptyConditions(): ConditionsForm {
  return {
    acPower: false,
    network: false,
    url: '',
    urlTimeoutMs: undefined,
    idleMode: 'none',
    idleMinutes: '10',
    policy: 'wait',
    deadlineValue: '2',
    deadlineUnit: 'hours',
  };
}

/** Text to number; '' and junk become NaN so the schema refuses them with its own message. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function idleOf(c: ConditionsForm): number | null {
  if (c.idleMode === 'active') return 0;
  return c.idleMode === 'minutes' ? num(c.idleMinutes) : null;
}

/** The request's `conditions`, or undefined when no condition is ticked (none to keep). */
export function conditionsOf(c: ConditionsForm): TaskConditionsInput | undefined {
  if (!c.acPower && !c.network && c.idleMode === 'none') return undefined;
  const url = c.url.trim();
  const deadlineMs = Math.round(num(c.deadlineValue) * UNIT_MS[c.deadlineUnit]);
  return {
    acPower: c.acPower,
    network: c.network
      ? {
          ...(url ? { url } : {}),
          ...(c.urlTimeoutMs !== undefined ? { timeoutMs: c.urlTimeoutMs } : {}),
        }
      : null,
    idleMinutes: idleOf(c),
    policy: c.policy,
    // A hidden, half-typed deadline must not block saving a task that skips.
    ...(c.policy === 'wait' || Number.isFinite(deadlineMs) ? { deadlineMs } : {}),
  };
}

/** The section for a stored task's conditions. */
export function conditionsFormOf(c: TaskConditions | undefined): ConditionsForm {
  const form = emptyConditions();
  if (!c) return form;
  const deadline = splitUnit(c.deadlineMs);
  return {
    acPower: c.acPower,
    network: c.network !== null,
    url: c.network?.url ?? '',
    urlTimeoutMs: c.network?.timeoutMs,
    idleMode: c.idleMinutes === null ? 'none' : c.idleMinutes === 0 ? 'active' : 'minutes',
    idleMinutes: c.idleMinutes ? String(c.idleMinutes) : form.idleMinutes,
    policy: c.policy,
    deadlineValue: deadline.value,
    deadlineUnit: deadline.unit,
  };
}
