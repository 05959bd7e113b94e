import { z } from 'zod';
import type { Channel, EventMap, EventName, RequestOf, ResponseOf } from '../api/contract.js';
import type { Connection } from './discovery.js';
import { startHint } from './discovery.js';
import { CliFailure, EXIT } from './exit-codes.js';

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  }),
]);

/** The app's contract over its loopback HTTP API, as the `crontray` command uses it. */
export class CliApi {
  constructor(readonly connection: Connection) {}

  #unreachable(error: unknown): CliFailure {
    const { dataDir, endpoint } = this.connection;
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return new CliFailure(
      `Crontray is not running for ${dataDir}: nothing answers at ${endpoint.url} (${cause}); it may have stopped without cleaning up. ${startHint(dataDir)}`,
      EXIT.notRunning,
      'not-running',
    );
  }

  async #post(path: string, body: string): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.connection.endpoint.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${this.connection.token}`,
        },
        body,
      });
    } catch (error) {
      throw this.#unreachable(error);
    }
    const text = await response.text();
    try {
      return { status: response.status, json: JSON.parse(text) };
    } catch {
      throw new CliFailure(
        `Crontray answered ${path} with something that is not JSON (HTTP ${response.status})`,
        EXIT.failed,
      );
    }
  }

  /** Calls one channel; an error answer becomes a CliFailure with the matching exit code. */
  async call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>> {
    const { status, json } = await this.#post(
      `/api/${channel}`,
      request === undefined ? '' : JSON.stringify(request),
    );
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success)
      throw new CliFailure(`Crontray answered ${channel} in an unknown shape`, EXIT.failed);
    if (envelope.data.ok) return envelope.data.value as ResponseOf<C>;
    const { code, message } = envelope.data.error;
    if (status === 401 || code === 'unauthorized') {
      throw new CliFailure(
        `Crontray refused the token in ${this.connection.dataDir}/headless-token (${message}). It changes at every start: is this the data folder of the running app?`,
        EXIT.unauthorized,
        'unauthorized',
      );
    }
    throw new CliFailure(message, code === 'not-found' ? EXIT.notFound : EXIT.failed, code);
  }

  /**
   * Follows the app's events (Server-Sent Events) until `signal` aborts; each event is handed
   * to `onEvent` as it arrives.
   */
  async follow(
    onEvent: <E extends EventName>(event: E, payload: EventMap[E]) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.connection.endpoint.url}/api/events`, {
        headers: { Authorization: `Bearer ${this.connection.token}`, Accept: 'text/event-stream' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) return;
      throw this.#unreachable(error);
    }
    if (response.status === 401) await this.call('app:info');
    if (!response.ok || !response.body)
      throw new CliFailure(
        `Crontray refused the event stream (HTTP ${response.status})`,
        EXIT.failed,
      );
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (name && data !== undefined)
            onEvent(name as EventName, JSON.parse(data) as EventMap[EventName]);
        }
      }
    } catch (error) {
      if (!signal.aborted) throw this.#unreachable(error);
    }
  }
}
