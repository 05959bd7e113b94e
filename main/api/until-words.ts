/**
 * A "Do not run until …" time in words, in this computer's zone, the same in the service's run
 * records, the tray and the window: "08:00 Thursday 3 December", short "08:00 Thu 3 Dec". The
 * year is added when it is not the current one. English names whatever the locale, so a record
 * reads the same whoever opens it.
 */
const LONG = new Intl.DateTimeFormat('en', { weekday: 'long', month: 'long' });
const SHORT = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short' });

const two = (n: number): string => String(n).padStart(2, '0');

export function untilWords(at: number, now: number, style: 'long' | 'short' = 'long'): string {
  const d = new Date(at);
  const parts = (style === 'short' ? SHORT : LONG).formatToParts(d);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const year = d.getFullYear() === new Date(now).getFullYear() ? '' : ` ${d.getFullYear()}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return `${time} ${part('weekday')} ${d.getDate()} ${part('month')}${year}`;
}
