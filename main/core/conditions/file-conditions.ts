import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { z } from 'zod';
import { FakeConditions } from './fake-conditions.js';
import type {
  ConditionChange,
  IdleReading,
  NetworkReading,
  PowerReading,
  SystemConditions,
  UrlProbe,
} from './system-conditions.js';

/** What the test hook's file holds; every field optional (defaults: on AC, online, idle 0). */
export const conditionsFile = z
  .object({
    onAc: z.boolean().optional(),
    networkUp: z.boolean().optional(),
    answeringUrls: z.array(z.string().max(2048)).max(100).optional(),
    idleSeconds: z.number().int().min(0).nullable().optional(),
  })
  .strict();

/**
 * TEST HOOK, off by default: the headless app's `--test-conditions FILE` (only with
 * `--test-mode`) answers conditions from a small JSON file a test writes, such as
 * `{"onAc": false}`, and tells the engine when the file changes, as plugging in a charger would.
 * A file that is missing or not valid reads as the defaults plus a warning in the words.
 */
export class FileConditions implements SystemConditions {
  readonly source: string;
  #listeners = new Set<(change: ConditionChange) => void>();

  constructor(private readonly path: string) {
    this.source = `test conditions from ${path}`;
  }

  #read(): FakeConditions {
    try {
      const parsed = conditionsFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) {
        const { answeringUrls, idleSeconds, ...rest } = parsed.data;
        return new FakeConditions({
          ...rest,
          ...(answeringUrls ? { answeringUrls } : {}),
          ...(idleSeconds !== undefined ? { idleSeconds } : {}),
        });
      }
    } catch {
      // Missing or half-written: the defaults.
    }
    return new FakeConditions();
  }

  onAcPower(): Promise<PowerReading> {
    return this.#read().onAcPower();
  }

  networkUp(probe?: UrlProbe): Promise<NetworkReading> {
    return this.#read().networkUp(probe);
  }

  idleSeconds(): Promise<IdleReading> {
    return this.#read().idleSeconds();
  }

  onChange(listener: (change: ConditionChange) => void): () => void {
    if (this.#listeners.size === 0)
      watchFile(this.path, { interval: 100, persistent: false }, () => {
        for (const l of [...this.#listeners]) l('power');
      });
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) unwatchFile(this.path);
    };
  }
}
