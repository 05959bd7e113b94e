import { SECRET_MASK } from '../model/action.js';
import type { AlertChannel, AlertSettings, TaskAlerts } from './alert-config.js';

/** A field still showing the mask with nothing stored behind it. */
export class MaskWithoutSecret extends Error {
  readonly field: string;
  constructor(field: string) {
    super(`${field} still shows the mask but nothing is saved for it; type the value again`);
    this.field = field;
  }
}

const mask = (value: string) => (value === '' ? '' : SECRET_MASK);

/** A channel as views show it: URL, header values and password masked. */
export function maskChannel(channel: AlertChannel): AlertChannel {
  if (channel.kind === 'webhook')
    return {
      ...channel,
      url: SECRET_MASK,
      headers: channel.headers.map((h) => ({ ...h, value: mask(h.value) })),
    };
  if (channel.kind === 'email') return { ...channel, password: mask(channel.password) };
  return channel;
}

export function maskSettings(settings: AlertSettings): AlertSettings {
  return { ...settings, channels: settings.channels.map(maskChannel) };
}

export function maskTaskAlerts(task: TaskAlerts): TaskAlerts {
  return task.pings ? { ...task, pings: { ...task.pings, url: SECRET_MASK } } : task;
}

function keep(value: string, stored: string | undefined, field: string): string {
  if (value !== SECRET_MASK) return value;
  if (stored === undefined) throw new MaskWithoutSecret(field);
  return stored;
}

/** Puts the stored secrets back where an edit still shows the mask (matched by channel id). */
export function mergeSettingsSecrets(
  incoming: AlertSettings,
  stored: AlertSettings,
): AlertSettings {
  const byId = new Map(stored.channels.map((c) => [c.id, c]));
  const channels = incoming.channels.map((channel, i): AlertChannel => {
    const old = byId.get(channel.id);
    const at = `channels.${i}`;
    if (channel.kind === 'webhook') {
      const before = old?.kind === 'webhook' ? old : undefined;
      const headers = new Map(before?.headers.map((h) => [h.name.toLowerCase(), h.value]));
      return {
        ...channel,
        url: keep(channel.url, before?.url, `${at}.url`),
        headers: channel.headers.map((h, j) => ({
          ...h,
          value: keep(h.value, headers.get(h.name.toLowerCase()), `${at}.headers.${j}.value`),
        })),
      };
    }
    if (channel.kind === 'email') {
      const before = old?.kind === 'email' ? old : undefined;
      return { ...channel, password: keep(channel.password, before?.password, `${at}.password`) };
    }
    return channel;
  });
  return { ...incoming, channels };
}

export function mergeTaskSecrets(incoming: TaskAlerts, stored: TaskAlerts | null): TaskAlerts {
  if (!incoming.pings) return incoming;
  return {
    ...incoming,
    pings: { ...incoming.pings, url: keep(incoming.pings.url, stored?.pings?.url, 'pings.url') },
  };
}

/** Every secret value in the alert settings: kept out of alert texts, delivery logs and logs. */
export function alertSecretValues(settings: AlertSettings, tasks: Iterable<TaskAlerts>): string[] {
  const values: string[] = [];
  for (const c of settings.channels) {
    if (c.kind === 'webhook') {
      values.push(c.url, ...c.headers.map((h) => h.value));
      // The path alone often is the token (Slack, Discord, ntfy topics).
      const path = URL.canParse(c.url) ? new URL(c.url).pathname : '';
      if (path.length > 8) values.push(path);
    }
    if (c.kind === 'email') values.push(c.password);
  }
  for (const t of tasks) if (t.pings) values.push(t.pings.url);
  return values.filter((v) => v.length >= 4);
}
