import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, realpath, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ShellRunner } from '../../../main/core/actions/shell-runner.js';
import { shellAction } from '../../../main/core/model/action.js';
import type { ShellAction } from '../../../main/core/model/action.js';
import { context } from './run-context.js';

const posix = process.platform !== 'win32';

function shell(input: Partial<ShellAction> & { kind?: 'shell' }): ShellAction {
  return shellAction.parse({ kind: 'shell', ...input });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-shell-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ShellRunner', () => {
  it('a program that exits 0 succeeds and its output is captured', async () => {
    const runner = new ShellRunner();
    const outcome = await runner.run(
      shell({
        program: process.execPath,
        args: ['-e', 'console.log("hello"); console.error("warn")'],
      }),
      context(),
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout?.head).toBe('hello\n');
    expect(outcome.stderr?.head).toBe('warn\n');
  });

  it('a non-zero exit code is a failure with that code', async () => {
    const outcome = await new ShellRunner().run(
      shell({ program: process.execPath, args: ['-e', 'process.exit(3)'] }),
      context(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.error).toContain('code 3');
  });

  it('a missing program fails with a message naming it', async () => {
    const outcome = await new ShellRunner().run(
      shell({ program: 'crontray-no-such-program' }),
      context(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^Could not start 'crontray-no-such-program': /);
  });

  it('arguments with shell metacharacters reach the program literally', async () => {
    const tricky = [
      '$(touch pwned)',
      '`touch pwned2`',
      'a; touch pwned3',
      'x | y',
      '"double"',
      "'single'",
      '*',
      '$HOME',
      '&&',
    ];
    const outcome = await new ShellRunner().run(
      shell({
        program: process.execPath,
        args: ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...tricky],
        cwd: dir,
      }),
      context(),
    );
    expect(outcome.status).toBe('succeeded');
    expect(JSON.parse(outcome.stdout?.head ?? '')).toEqual(tricky);
    expect(await exists(join(dir, 'pwned'))).toBe(false);
    expect(await exists(join(dir, 'pwned2'))).toBe(false);
    expect(await exists(join(dir, 'pwned3'))).toBe(false);
  });

  it('runs in the given working directory', async () => {
    const outcome = await new ShellRunner().run(
      shell({
        program: process.execPath,
        args: ['-e', 'process.stdout.write(process.cwd())'],
        cwd: dir,
      }),
      context(),
    );
    expect(outcome.stdout?.head).toBe(await realpath(dir));
  });

  it('the child sees only its named variables and the minimal base, not the parent environment', async () => {
    process.env.CRONTRAY_PARENT_ONLY = 'leaked';
    try {
      const outcome = await new ShellRunner().run(
        shell({
          program: process.execPath,
          args: ['-e', 'process.stdout.write(JSON.stringify(process.env))'],
          env: [{ name: 'MINE', value: 'mine', secret: false }],
        }),
        context(),
      );
      const env = JSON.parse(outcome.stdout?.head ?? '{}') as Record<string, string>;
      expect(env.MINE).toBe('mine');
      expect(env.CRONTRAY_PARENT_ONLY).toBeUndefined();
      expect(env.PATH).toBe(process.env.PATH);
      expect(
        Object.keys(env).every((k) =>
          [
            'MINE',
            'PATH',
            'HOME',
            'LANG',
            'TMPDIR',
            'LC_CTYPE',
            '__CF_USER_TEXT_ENCODING',
          ].includes(k),
        ),
      ).toBe(true);
    } finally {
      delete process.env.CRONTRAY_PARENT_ONLY;
    }
  });

  it('script mode passes the text to the shell as one argument', async () => {
    if (!posix) return;
    const outcome = await new ShellRunner().run(
      shell({
        mode: 'script',
        shell: 'sh',
        script: 'for w in a b c; do printf "%s-" "$w"; done; echo "$GREETING"',
        env: [{ name: 'GREETING', value: 'hi', secret: false }],
      }),
      context(),
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.stdout?.head).toBe('a-b-c-hi\n');
  });

  it('a command printing 10 MB keeps a bounded head and tail and the true total', async () => {
    const outcome = await new ShellRunner().run(
      shell({
        program: process.execPath,
        args: ['-e', 'process.stdout.write("S" + "x".repeat(10 * 1024 * 1024 - 2) + "E")'],
      }),
      context(),
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.stdout?.totalBytes).toBe(10 * 1024 * 1024);
    expect(outcome.stdout?.truncated).toBe(true);
    expect(outcome.stdout?.head.length).toBe(64 * 1024);
    expect(outcome.stdout?.tail.length).toBe(64 * 1024);
    expect(outcome.stdout?.head.startsWith('S')).toBe(true);
    expect(outcome.stdout?.tail.endsWith('E')).toBe(true);
  });

  it('a timeout kills the whole tree: a grandchild never writes its late marker', async () => {
    if (!posix) return;
    const started = join(dir, 'started');
    const marker = join(dir, 'marker');
    const runner = new ShellRunner({ graceMs: 300 });
    const outcome = await runner.run(
      shell({
        mode: 'script',
        script: `sh -c 'echo up > "${started}"; sleep 1; echo late > "${marker}"' & wait`,
      }),
      context({ timeoutMs: 400 }),
    );
    expect(outcome.status).toBe('timed-out');
    expect(outcome.error).toContain('timeout of 400 ms');
    expect(await exists(started)).toBe(true);
    await delay(1500);
    expect(await exists(marker)).toBe(false);
  });

  it('a descendant that ignores SIGTERM is killed after the grace period', async () => {
    if (!posix) return;
    const started = join(dir, 'started');
    const marker = join(dir, 'marker');
    const runner = new ShellRunner({ graceMs: 200 });
    const outcome = await runner.run(
      shell({
        mode: 'script',
        script: `trap '' TERM; echo up > "${started}"; sleep 1; echo late > "${marker}"`,
      }),
      context({ timeoutMs: 300 }),
    );
    expect(outcome.status).toBe('timed-out');
    expect(await exists(started)).toBe(true);
    await delay(1300);
    expect(await exists(marker)).toBe(false);
  });

  it('an abort for another reason than time is a cancel', async () => {
    const controller = new AbortController();
    const runner = new ShellRunner();
    const running = runner.run(
      shell({
        program: process.execPath,
        args: ['-e', 'setTimeout(() => {}, 30000); console.log("go")'],
      }),
      context({ signal: controller.signal }),
    );
    await delay(200);
    controller.abort(new Error('user pressed stop'));
    const outcome = await running;
    expect(outcome.status).toBe('canceled');
    expect(outcome.error).toContain('user pressed stop');
  });

  it('an engine abort with a TimeoutError reason counts as timed out', async () => {
    const runner = new ShellRunner();
    const outcome = await runner.run(
      shell({ program: process.execPath, args: ['-e', 'setTimeout(() => {}, 30000)'] }),
      context({ signal: AbortSignal.timeout(200) }),
    );
    expect(outcome.status).toBe('timed-out');
  });

  it('a run whose signal is already aborted never starts the program', async () => {
    const controller = new AbortController();
    controller.abort('quit');
    const outcome = await new ShellRunner().run(
      shell({
        program: process.execPath,
        args: ['-e', `require("fs").writeFileSync(${JSON.stringify(join(dir, 'ran'))}, "")`],
      }),
      context({ signal: controller.signal }),
    );
    expect(outcome.status).toBe('canceled');
    expect(await exists(join(dir, 'ran'))).toBe(false);
  });
});
