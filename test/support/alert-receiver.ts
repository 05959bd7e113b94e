import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, byte for byte. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How a receiver answers: a status, a redirect, or never. */
export type Answer = { status: number; location?: string } | 'hang';

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers from a script: the
 * answers are used in order and the last one repeats ([500, 200] answers 500, then 200 for ever).
 */
export class AlertReceiver {
  readonly received: Received[] = [];
  readonly #server: Server;
  readonly #answers: Answer[];
  readonly #hanging = new Set<ServerResponse>();
  #arrived: (() => void)[] = [];

  private constructor(answers: Answer[]) {
    this.#answers = answers;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const index = Math.min(this.received.length, this.#answers.length - 1);
        this.received.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        for (const resolve of this.#arrived.splice(0)) resolve();
        const answer = this.#answers[index] ?? { status: 200 };
        if (answer === 'hang') {
          this.#hanging.add(res);
          return;
        }
        res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
        res.end('ok');
      });
    });
  }

  static async start(...answers: Answer[]): Promise<AlertReceiver> {
    const receiver = new AlertReceiver(answers.length > 0 ? answers : [{ status: 200 }]);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests have arrived. */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((r) => this.#arrived.push(r));
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
