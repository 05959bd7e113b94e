/** The units the editor offers for a duration typed as a number. */
export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export const UNIT_MS: Record<TimeUnit, number> = {
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

/** A stored duration as the largest unit that divides it, so 7200000 reads "2 hours". */
export function splitUnit(ms: number): { value: string; unit: TimeUnit } {
  for (const unit of ['days', 'hours', 'minutes'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0)
      return { value: String(ms / UNIT_MS[unit]), unit };
  }
  return { value: String(ms / 1000), unit: 'seconds' };
}

/** The units as a select offers them. */
export const TIME_UNIT_OPTIONS = [
  ['seconds', 'seconds'],
  ['minutes', 'minutes'],
  ['hours', 'hours'],
  ['days', 'days'],
] as const satisfies readonly (readonly [TimeUnit, string])[];
