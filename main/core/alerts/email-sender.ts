import type { EmailChannel } from './alert-config.js';
import type { AlertMessage } from './alert-message.js';
import type { AttemptResult } from './outbox.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The mail's plain text and HTML parts: the alert, then the last output lines (redacted). */
export function emailBodies(message: AlertMessage, text: string): { text: string; html: string } {
  const tail = message.run?.outputTail ?? '';
  const plain = tail === '' ? `${text}\n` : `${text}\n\nLast output lines:\n${tail}\n`;
  const html =
    `<p>${escapeHtml(text)}</p>` +
    (tail === '' ? '' : `<p>Last output lines:</p><pre>${escapeHtml(tail)}</pre>`);
  return { text: plain, html };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** Sends one alert by SMTP: STARTTLS or TLS as configured, credentials from the vault. */
export async function sendEmail(
  channel: EmailChannel,
  message: AlertMessage,
  text: string,
  alertId: string,
): Promise<AttemptResult> {
  // Loaded on the first mail, not at start-up: most installs never send one.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.security === 'tls',
    requireTLS: channel.security === 'starttls',
    ignoreTLS: channel.security === 'none',
    ...(channel.user !== '' ? { auth: { user: channel.user, pass: channel.password } } : {}),
    connectionTimeout: channel.timeoutMs,
    greetingTimeout: channel.timeoutMs,
    socketTimeout: channel.timeoutMs,
    tls: { rejectUnauthorized: !channel.allowSelfSigned },
  });
  const bodies = emailBodies(message, text);
  try {
    const info = (await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: `[Crontray] ${message.title}`,
      text: bodies.text,
      html: bodies.html,
      messageId: `<${alertId}@crontray>`,
    })) as { response?: string };
    const reply = String(info.response ?? '').slice(0, 1000);
    return {
      outcome: 'delivered',
      httpStatus: null,
      smtpReply: reply,
      message: 'accepted by the SMTP server',
      retry: false,
    };
  } catch (error) {
    const e = error as SmtpError;
    const reply = e.response ? e.response.slice(0, 1000) : null;
    const timedOut = e.code === 'ETIMEDOUT';
    // A 5xx reply is the server refusing for good (bad recipient, bad login); 4xx and network
    // failures may pass.
    const permanent = e.responseCode !== undefined && e.responseCode >= 500;
    return {
      outcome: timedOut ? 'timed-out' : 'failed',
      httpStatus: null,
      smtpReply: reply,
      message:
        e.code === 'EAUTH'
          ? 'the SMTP server refused the user name or password'
          : `the mail was not accepted (${e.code ?? 'error'})`,
      retry: !permanent,
    };
  } finally {
    transport.close();
  }
}
