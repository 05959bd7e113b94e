import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ActionDispatcher } from '../../../main/core/actions/action-runner.js';
import { SECRET_MASK, actionSchema } from '../../../main/core/model/action.js';
import { context } from './run-context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-dispatch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ActionDispatcher', () => {
  it("redacts the action's secret values from output and errors", async () => {
    const action = actionSchema.parse({
      kind: 'shell',
      program: process.execPath,
      args: [
        '-e',
        'console.log("token is " + process.env.API_TOKEN); console.error(process.env.API_TOKEN); process.exit(1)',
      ],
      env: [{ name: 'API_TOKEN', value: 'tok_9f8e7d6c', secret: true }],
    });
    const outcome = await new ActionDispatcher().run(action, context());
    expect(outcome.status).toBe('failed');
    expect(outcome.stdout?.head).toBe(`token is ${SECRET_MASK}\n`);
    expect(outcome.stderr?.head).toBe(`${SECRET_MASK}\n`);
    expect(JSON.stringify(outcome)).not.toContain('tok_9f8e7d6c');
  });

  it('leaves values not marked secret readable', async () => {
    const action = actionSchema.parse({
      kind: 'shell',
      program: process.execPath,
      args: ['-e', 'console.log(process.env.REGION)'],
      env: [{ name: 'REGION', value: 'eu-west', secret: false }],
    });
    expect((await new ActionDispatcher().run(action, context())).stdout?.head).toBe('eu-west\n');
  });

  it('on quit, running process trees are killed and their runs end canceled', async () => {
    if (process.platform === 'win32') return;
    const started = join(dir, 'started');
    const marker = join(dir, 'marker');
    const dispatcher = new ActionDispatcher({ shellOptions: { graceMs: 200 } });
    const action = actionSchema.parse({
      kind: 'shell',
      mode: 'script',
      script: `sh -c 'echo up > "${started}"; sleep 1; echo late > "${marker}"' & wait`,
    });
    const running = dispatcher.run(action, context());
    while (
      !(await access(started).then(
        () => true,
        () => false,
      ))
    )
      await delay(20);
    expect(dispatcher.running).toBe(1);
    await dispatcher.shutdown();
    const outcome = await running;
    expect(outcome.status).toBe('canceled');
    expect(outcome.error).toContain('quitting');
    expect((await dispatcher.run(action, context())).status).toBe('canceled');
    await delay(1300);
    expect(
      await access(marker).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
  });

  it('a runner that throws becomes a failed outcome, not an exception', async () => {
    const dispatcher = new ActionDispatcher({
      http: {
        run() {
          throw new Error('boom');
        },
      },
    });
    const outcome = await dispatcher.run(
      actionSchema.parse({ kind: 'http', url: 'http://127.0.0.1:9/' }),
      context(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('boom');
  });
});
