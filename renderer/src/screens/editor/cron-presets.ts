export type CronPreset = 'every-minute' | 'hourly' | 'daily' | 'weekdays';

/**
 * The pattern for a preset; `time` is "HH:MM" for the daily and weekday presets. The patterns
 * are plain 5-field cron so they read the same in any other tool.
 */
export function presetPattern(preset: CronPreset, time = '09:00'): string {
  const [h = '9', m = '0'] = time.split(':');
  const hour = String(Number(h));
  const minute = String(Number(m));
  switch (preset) {
    case 'every-minute':
      return '* * * * *';
    case 'hourly':
      return '0 * * * *';
    case 'daily':
      return `${minute} ${hour} * * *`;
    case 'weekdays':
      return `${minute} ${hour} * * 1-5`;
  }
}
