import type { TaskConditions } from '../model/conditions.js';
import type { SystemConditions } from './system-conditions.js';

/** "never while the user is active" means no input for at least this long. */
export const ACTIVE_IDLE_SECONDS = 60;

/** One condition that does not hold, in the words each place needs. */
export interface UnmetCondition {
  /** After "waiting for": "AC power", "the network", "https://x to answer". */
  waitingFor: string;
  /** What the machine said: "on battery", "no default route". */
  reading: string;
  /** Why a run is missed at its deadline: "still on battery at the deadline". */
  atDeadline: string;
}

/** What a check of a task's conditions found. */
export interface ConditionVerdict {
  met: boolean;
  unmet: UnmetCondition[];
}

function failed(what: string, error: unknown): string {
  return `could not read ${what}: ${error instanceof Error ? error.message : String(error)}`;
}

async function power(provider: SystemConditions): Promise<UnmetCondition | null> {
  try {
    const r = await provider.onAcPower();
    if (r.onAc) return null;
    return {
      waitingFor: 'AC power',
      reading: r.text,
      atDeadline: 'still on battery at the deadline',
    };
  } catch (error) {
    const reading = failed('the power state', error);
    return { waitingFor: 'AC power', reading, atDeadline: `${reading} up to the deadline` };
  }
}

async function network(
  provider: SystemConditions,
  n: NonNullable<TaskConditions['network']>,
): Promise<UnmetCondition | null> {
  const waitingFor = n.url === undefined ? 'the network' : `${n.url} to answer`;
  const atDeadline =
    n.url === undefined
      ? 'the network was still down at the deadline'
      : `${n.url} still did not answer at the deadline`;
  try {
    const probe = n.url === undefined ? undefined : { url: n.url, timeoutMs: n.timeoutMs };
    const r = await provider.networkUp(probe);
    return r.up ? null : { waitingFor, reading: r.text, atDeadline };
  } catch (error) {
    return { waitingFor, reading: failed('the network state', error), atDeadline };
  }
}

async function idle(provider: SystemConditions, minutes: number): Promise<UnmetCondition | null> {
  const needed = minutes === 0 ? ACTIVE_IDLE_SECONDS : minutes * 60;
  const waitingFor =
    minutes === 0 ? 'the user to stop using the computer' : `${minutes} min without user input`;
  const atDeadline = 'the user was still active at the deadline';
  try {
    const r = await provider.idleSeconds();
    // Where idle time cannot be known (a headless server has no user session), nobody is
    // using the machine: the condition holds, and the words say why.
    if (r.seconds === null || r.seconds >= needed) return null;
    return { waitingFor, reading: `the user was active ${r.seconds} s ago`, atDeadline };
  } catch (error) {
    return { waitingFor, reading: failed('the idle time', error), atDeadline };
  }
}

/** Asks the provider about each of the task's conditions, all at once. */
export async function checkConditions(
  provider: SystemConditions,
  c: TaskConditions,
): Promise<ConditionVerdict> {
  const asked: Promise<UnmetCondition | null>[] = [];
  if (c.acPower) asked.push(power(provider));
  if (c.network !== null) asked.push(network(provider, c.network));
  if (c.idleMinutes !== null) asked.push(idle(provider, c.idleMinutes));
  const unmet = (await Promise.all(asked)).filter((u): u is UnmetCondition => u !== null);
  return { met: unmet.length === 0, unmet };
}

/** "waiting for AC power and the network". */
export function waitingText(unmet: readonly UnmetCondition[]): string {
  return `waiting for ${unmet.map((u) => u.waitingFor).join(' and ')}`;
}
