import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptRunner } from '../../../main/core/actions/script-runner.js';
import { scriptAction } from '../../../main/core/model/action.js';
import type { ScriptAction } from '../../../main/core/model/action.js';
import { context } from './run-context.js';

let dir: string;
async function script(
  name: string,
  code: string,
  extra: Partial<ScriptAction> = {},
): Promise<ScriptAction> {
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, code);
  return scriptAction.parse({ kind: 'script', file, ...extra });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ScriptRunner', () => {
  it("returns the default export's value and captures its console output", async () => {
    const action = await script(
      'ok',
      `export default async function (ctx) { console.log('hello', ctx.taskId); console.error('careful'); return { sum: 1 + 2, run: ctx.runId }; }`,
    );
    const outcome = await new ScriptRunner().run(action, context());
    expect(outcome.status).toBe('succeeded');
    expect(outcome.value).toEqual({ sum: 3, run: 'r1' });
    expect(outcome.stdout?.head).toBe('hello t1\n');
    expect(outcome.stderr?.head).toBe('careful\n');
  });

  it('can call a named export', async () => {
    const action = await script('named', `export function compute() { return 42; }`, {
      exportName: 'compute',
    });
    expect((await new ScriptRunner().run(action, context())).value).toBe(42);
  });

  it('a missing export fails and says how to export one', async () => {
    const action = await script('noexport', `export const x = 1;`);
    const outcome = await new ScriptRunner().run(action, context());
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(
      `The script ${action.file} has no function export 'default': export one, e.g. export default async function (context) { ... }`,
    );
  });

  it('a thrown error fails the run with its message', async () => {
    const action = await script(
      'throws',
      `export default () => { throw new Error('broken on purpose'); }`,
    );
    const outcome = await new ScriptRunner().run(action, context());
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('broken on purpose');
  });

  it('a value that cannot leave the worker fails with advice', async () => {
    const action = await script('fn', `export default () => () => 1;`);
    const outcome = await new ScriptRunner().run(action, context());
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('return plain data');
  });

  it('an endless loop is stopped by the timeout', async () => {
    const action = await script('loop', `export default () => { for (;;) {} }`);
    const outcome = await new ScriptRunner().run(action, context({ timeoutMs: 300 }));
    expect(outcome.status).toBe('timed-out');
  });

  it('a script exceeding its memory limit fails with the limit named', async () => {
    const action = await script(
      'hog',
      `export default () => { const keep = []; for (;;) keep.push(new Array(1e5).fill({ n: Math.random() })); }`,
      { memoryMb: 32 },
    );
    const outcome = await new ScriptRunner().run(action, context({ timeoutMs: 15_000 }));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /^The script .* ran out of its memory limit of 32 MB: raise the limit/,
    );
  });

  it('runs beyond the pool size wait for a free worker', async () => {
    const runner = new ScriptRunner({ poolSize: 1 });
    const slow = await script(
      'slow',
      `export default () => new Promise((r) => setTimeout(() => r('slow'), 300));`,
    );
    const fast = await script('fast', `export default () => 'fast';`);
    const first = runner.run(slow, context());
    const second = runner.run(fast, context({ runId: 'r2' }));
    await Promise.resolve();
    expect(runner.load).toEqual({ running: 1, queued: 1, poolSize: 1 });
    expect((await first).value).toBe('slow');
    expect((await second).value).toBe('fast');
    expect(runner.load).toEqual({ running: 0, queued: 0, poolSize: 1 });
  });

  it('a queued run that is canceled never starts', async () => {
    const runner = new ScriptRunner({ poolSize: 1 });
    const slow = await script(
      'slow2',
      `export default () => new Promise((r) => setTimeout(() => r('slow'), 300));`,
    );
    const marker = join(dir, 'queued-ran');
    const queuedScript = await script(
      'queued',
      `import { writeFileSync } from 'node:fs'; export default () => writeFileSync(${JSON.stringify(marker)}, 'x');`,
    );
    const controller = new AbortController();
    const first = runner.run(slow, context());
    const second = runner.run(queuedScript, context({ signal: controller.signal }));
    controller.abort(new Error('canceled by user'));
    expect((await second).status).toBe('canceled');
    await first;
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('a relative file path is refused with advice', async () => {
    const outcome = await new ScriptRunner().run(
      scriptAction.parse({ kind: 'script', file: 'job.mjs' }),
      context(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(
      "The script 'job.mjs' is not a full path: give its whole path, from the root of the disk.",
    );
  });
});
