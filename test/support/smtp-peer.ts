import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body), as sent. */
  raw: string;
  user: string | null;
  secure: boolean;
}

/**
 * A real SMTP server (smtp-server, from the nodemailer project) on 127.0.0.1. It offers
 * STARTTLS with its built-in self-signed certificate and accepts one user and password.
 */
export class SmtpPeer {
  readonly mails: ReceivedMail[] = [];
  readonly #server: SMTPServer;
  #arrived: (() => void)[] = [];

  private constructor(credentials: { user: string; pass: string }) {
    this.#server = new SMTPServer({
      authOptional: false,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === credentials.user && auth.password === credentials.pass)
          callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
            user: typeof session.user === 'string' ? session.user : null,
            secure: session.secure,
          });
          for (const resolve of this.#arrived.splice(0)) resolve();
          callback();
        });
      },
    });
  }

  static async start(credentials: { user: string; pass: string }): Promise<SmtpPeer> {
    const peer = new SmtpPeer(credentials);
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get port(): number {
    return (this.#server.server.address() as AddressInfo).port;
  }

  async waitFor(count: number): Promise<void> {
    while (this.mails.length < count) await new Promise<void>((r) => this.#arrived.push(r));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
