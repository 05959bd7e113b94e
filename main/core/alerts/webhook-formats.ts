import type { WebhookFormat } from './alert-config.js';
import type { AlertMessage } from './alert-message.js';

/** Names the generic payload's layout; bumped only when a field changes meaning. */
export const GENERIC_SCHEMA = 'crontray.alert.v1';

/** The text a chat message shows: the channel's template if it has one, else title and text. */
export interface WebhookRequest {
  url: string;
  body: string;
  contentType: string;
}

const DISCORD_LIMIT = 2000;

/**
 * The request a webhook of `format` receives. Chat formats get one readable message; 'generic'
 * gets the alert as JSON (its fields are documented in the README's Alerts section).
 */
export function webhookRequest(
  format: WebhookFormat,
  url: string,
  message: AlertMessage,
  text: string,
  alertId: string,
): WebhookRequest {
  const json = (value: unknown) => ({
    url,
    body: JSON.stringify(value),
    contentType: 'application/json',
  });
  switch (format) {
    case 'slack':
      return json({ text: `*${message.title}*\n${text}` });
    case 'discord': {
      const content = `**${message.title}**\n${text}`;
      return json({
        content:
          content.length > DISCORD_LIMIT ? `${content.slice(0, DISCORD_LIMIT - 1)}…` : content,
      });
    }
    case 'teams':
      return json({
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: message.title,
        themeColor: message.kind === 'recovery' ? '2E7D32' : 'C62828',
        title: message.title,
        text,
      });
    case 'ntfy': {
      // ntfy's JSON publishing posts to the server root with the topic in the body.
      const parsed = new URL(url);
      const topic = parsed.pathname.replace(/^\/+|\/+$/g, '');
      return {
        ...json({
          topic,
          title: message.title,
          message: text,
          priority: message.kind === 'failure' || message.kind === 'missed' ? 4 : 3,
          tags: [message.kind === 'recovery' ? 'white_check_mark' : 'warning'],
        }),
        url: `${parsed.origin}/`,
      };
    }
    case 'generic':
      return json({
        schema: GENERIC_SCHEMA,
        // The same on every try of this alert, as the Idempotency-Key header is.
        id: alertId,
        kind: message.kind,
        title: message.title,
        text,
        at: new Date(message.at).toISOString(),
        task: message.task,
        run: message.run,
        incident: message.incident,
      });
  }
}
