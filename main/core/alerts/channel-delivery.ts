import { Redactor } from '../actions/redaction.js';
import type { AlertConfigStore } from './alert-config-store.js';
import type { AlertChannel } from './alert-config.js';
import { alertSecretValues } from './alert-secrets.js';
import { renderTemplate } from './alert-template.js';
import type { DesktopNotifier } from './desktop-notifier.js';
import { desktopNotice } from './desktop-notifier.js';
import { sendEmail } from './email-sender.js';
import type { AttemptResult, Deliver } from './outbox.js';
import type { Delivery, OutboxEntry } from './outbox-entry.js';
import { sendPing } from './ping-sender.js';
import { sendWebhook } from './webhook-sender.js';

/** The id under which a task's monitor pings appear in the outbox. */
export const PING_CHANNEL_ID = 'monitor-ping';

const result = (
  outcome: AttemptResult['outcome'],
  message: string,
  retry = false,
): AttemptResult => ({ outcome, message, retry, httpStatus: null, smtpReply: null });

async function toChannel(
  channel: AlertChannel,
  entry: OutboxEntry,
  notifier: DesktopNotifier | null,
): Promise<AttemptResult> {
  const text = channel.template
    ? renderTemplate(channel.template, entry.message)
    : entry.message.text;
  switch (channel.kind) {
    case 'webhook':
      return sendWebhook(channel, entry.message, text, entry.id);
    case 'email':
      return sendEmail(channel, entry.message, text, entry.id);
    case 'desktop':
      if (!notifier)
        return result('skipped', 'this host shows no desktop notifications (headless mode)');
      await notifier.show(desktopNotice(entry.message, text));
      return result('delivered', 'shown on the desktop');
  }
}

/**
 * The outbox's sender: finds the channel (or the task's pings) as configured now, sends, and
 * masks every alert secret in what is recorded, whatever a receiver or library put in its text.
 */
export function channelDelivery(
  config: AlertConfigStore,
  notifier: () => DesktopNotifier | null,
): Deliver {
  return async (entry: OutboxEntry, delivery: Delivery): Promise<AttemptResult> => {
    let outcome: AttemptResult;
    if (entry.type === 'ping') {
      const taskId = entry.message.task?.id;
      const pings = taskId === undefined ? null : config.task(taskId).pings;
      outcome =
        pings === null || entry.ping === null
          ? result('skipped', 'monitor pings were turned off for this task')
          : await sendPing(pings, entry.ping, entry.message);
    } else {
      const channel = config.settings().channels.find((c) => c.id === delivery.channelId);
      outcome = !channel
        ? result('failed', 'the channel was removed from the alert settings')
        : !channel.enabled
          ? result('skipped', 'the channel is turned off')
          : await toChannel(channel, entry, notifier());
    }
    const redactor = new Redactor(alertSecretValues(config.settings(), config.allTasks()));
    return {
      ...outcome,
      message: redactor.redact(outcome.message),
      smtpReply: redactor.redactMaybe(outcome.smtpReply),
    };
  };
}
