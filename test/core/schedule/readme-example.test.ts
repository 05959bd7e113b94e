import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The ts code block of the README's "Using the engine as a library" section. */
async function libraryExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Using the engine as a library'));
  const code = /```ts\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (!code) throw new Error('README.md has no ts block under "Using the engine as a library"');
  return code;
}

describe('the README', () => {
  let dir: string | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('library example runs as written: six syncs in 30 s of virtual time, the next one due', async () => {
    const code = await libraryExample();
    dir = await mkdtemp(join(tmpdir(), 'crontray-readme-'));
    const file = join(dir, 'example.ts');
    // The example imports from the repository root, as a reader who cloned it would.
    await writeFile(file, code.replaceAll("'./main/", `'${ROOT}/main/`));
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    await import(file);
    expect(printed).toContain('6 syncs; next at 2026-01-05T08:00:35.000Z');
  });
});
