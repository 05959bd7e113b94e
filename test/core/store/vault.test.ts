import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, readdir, unlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AesGcmCipher, PlaintextCipher, Vault } from '../../../main/core/store/vault.js';
import type { Cipher } from '../../../main/core/store/vault.js';
import { actionSchema } from '../../../main/core/model/action.js';

const MARKER = 'MARKER_7c1f_do_not_leak';
const action = actionSchema.parse({
  kind: 'shell',
  program: `/usr/bin/${MARKER}`,
  args: ['--flag'],
  env: [{ name: 'TOKEN', value: `secret-${MARKER}`, secret: true }],
});
const other = actionSchema.parse({ kind: 'http', url: 'https://example.com/hook', method: 'POST' });

let dir: string;
// Every vault a test opens is closed before its folder goes: a vault still open may be writing
// (its change journal, a rewrite after a fold), and rm would race it.
const opened: Vault[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-vault-'));
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((vault) => vault.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openVault(cipher?: Cipher): Promise<Vault> {
  const vault = new Vault({
    dataDir: dir,
    cipher: cipher ?? (await AesGcmCipher.open({ dataDir: dir, env: {} })),
  });
  await vault.load();
  opened.push(vault);
  return vault;
}

async function entryText(taskId: string): Promise<string> {
  const file = JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8')) as {
    entries: Record<string, { cipherText: string }>;
  };
  return file.entries[taskId]?.cipherText ?? '';
}

async function tamper(taskId: string): Promise<string> {
  const path = join(dir, 'vault.json');
  const file = JSON.parse(await readFile(path, 'utf8')) as {
    entries: Record<string, { cipherText: string }>;
  };
  const entry = file.entries[taskId];
  if (!entry) throw new Error('no entry');
  // Flip one bit of the encrypted body, as disk damage or an editor would.
  const [prefix, keyId, data] = entry.cipherText.split(':');
  const bytes = Buffer.from(data ?? '', 'base64');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
  entry.cipherText = `${prefix}:${keyId}:${bytes.toString('base64')}`;
  await writeFile(path, JSON.stringify(file, null, 2));
  return entry.cipherText;
}

describe('Vault', () => {
  it('gives back the stored action after a restart', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    const reopened = await openVault();
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
    expect(reopened.status()).toMatchObject({
      backend: 'aes-256-gcm',
      secure: true,
      entries: 1,
      locked: [],
    });
  });

  it('never writes an action in clear to vault.json or its change journal', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.put('t2', other);
    const journal = await readFile(join(dir, 'vault-changes.jsonl'), 'utf8');
    expect(journal).toContain('t2');
    expect(journal).not.toContain(MARKER);
    expect(journal).not.toContain('example.com');
    await vault.close();
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).not.toContain(MARKER);
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).not.toContain('example.com');
    expect(await readFile(join(dir, 'vault.json.bak'), 'utf8')).not.toContain(MARKER);
  });

  it('an answered put survives the process dying before vault.json was rewritten', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.put('t2', other);
    await vault.delete('t1');
    // No close(): the journal alone holds these, as after a kill -9.
    const reopened = await openVault();
    expect(await reopened.get('t2')).toEqual({ ok: true, action: other });
    expect(await reopened.get('t1')).toMatchObject({ ok: false, locked: false });
    expect(await readdir(dir)).not.toContain('vault-changes.jsonl');
    expect(JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8'))).toMatchObject({
      entries: { t2: { backend: 'aes-256-gcm' } },
    });
  });

  it('rewrites vault.json once its change journal grows past the limit, keeping every entry', async () => {
    const vault = new Vault({
      dataDir: dir,
      cipher: await AesGcmCipher.open({ dataDir: dir, env: {} }),
      compactBytes: 2_000,
    });
    await vault.load();
    for (let i = 0; i < 20; i++) await vault.put(`t${i}`, other);
    const file = JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(Object.keys(file.entries).length).toBeGreaterThan(5);
    const reopened = await openVault();
    expect(reopened.status().entries).toBe(20);
  });

  it('records which backend wrote each entry', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.close();
    const file = JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8')) as {
      entries: Record<string, { backend: string }>;
    };
    expect(file.entries.t1?.backend).toBe('aes-256-gcm');
  });

  it('keeps vault.json private to the user', async () => {
    if (process.platform === 'win32') return;
    const vault = await openVault();
    await vault.put('t1', action);
    expect((await stat(join(dir, 'vault-changes.jsonl'))).mode & 0o777).toBe(0o600);
    await vault.close();
    expect((await stat(join(dir, 'vault.json'))).mode & 0o777).toBe(0o600);
  });

  it('a tampered ciphertext locks its task and stays byte for byte while others change', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.put('t2', other);
    await vault.close();
    const tampered = await tamper('t1');
    const reopened = await openVault();
    const got = await reopened.get('t1');
    expect(got.ok).toBe(false);
    expect(!got.ok && got.locked && got.reason).toMatch(/failed authentication/);
    expect(reopened.status().locked).toEqual(['t1']);
    expect(reopened.status().warning).toContain('locked');
    expect(await reopened.get('t2')).toEqual({ ok: true, action: other });
    await reopened.put('t3', other);
    await reopened.delete('t2');
    await reopened.close();
    expect(await entryText('t1')).toBe(tampered);
  });

  it('a lost key gives a locked task with its data intact, and re-entering the action unlocks it', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.close();
    const before = await entryText('t1');
    await unlink(join(dir, 'vault.key'));
    const reopened = await openVault();
    const got = await reopened.get('t1');
    expect(!got.ok && got.locked && got.reason).toMatch(/another key/);
    expect(await entryText('t1')).toBe(before);
    await reopened.put('t1', action);
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
    expect(reopened.status().locked).toEqual([]);
  });

  it('an entry written by another backend is locked with both backends named', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    const testMode = await openVault(new PlaintextCipher());
    const got = await testMode.get('t1');
    expect(!got.ok && got.reason).toMatch(/'aes-256-gcm' encryption.*'plaintext \(test mode\)'/);
    expect(testMode.status()).toMatchObject({ secure: false, locked: ['t1'] });
    expect(testMode.status().warning).toContain('UNENCRYPTED');
  });

  it('entries from test mode are encrypted when a secure backend opens them', async () => {
    const testMode = await openVault(new PlaintextCipher());
    await testMode.put('t1', action);
    await testMode.close();
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).toContain(MARKER);
    const secure = await openVault();
    expect(await secure.get('t1')).toEqual({ ok: true, action });
    expect(secure.status().notices.join(' ')).toContain('now encrypted');
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).not.toContain(MARKER);
  });

  it('an entry moved under another task id is refused', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.close();
    const path = join(dir, 'vault.json');
    const file = JSON.parse(await readFile(path, 'utf8')) as { entries: Record<string, unknown> };
    file.entries.t9 = file.entries.t1;
    await writeFile(path, JSON.stringify(file));
    const reopened = await openVault();
    const got = await reopened.get('t9');
    expect(!got.ok && got.reason).toContain('belongs to another task');
  });

  it('a vault.json that does not parse is moved aside and the last good copy is used', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    await vault.close();
    await writeFile(join(dir, 'vault.json'), '{"version": 1, "entries": {');
    const reopened = await openVault();
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
    expect(reopened.status().notices.join(' ')).toMatch(/moved to .*corrupt-.*last good copy/);
    const names = await readdir(dir);
    const aside = names.find((n) => n.startsWith('vault.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside ?? ''), 'utf8')).toBe('{"version": 1, "entries": {');
  });

  it('a vault.json that does not parse and has no backup is kept aside and reported', async () => {
    await writeFile(join(dir, 'vault.json'), 'garbage');
    const vault = await openVault();
    expect(vault.status().entries).toBe(0);
    expect(vault.status().notices.join(' ')).toContain('no usable backup');
    expect((await readdir(dir)).some((n) => n.startsWith('vault.json.corrupt-'))).toBe(true);
  });

  it('concurrent puts all persist', async () => {
    const vault = await openVault();
    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.put(`t${i}`, other)));
    const reopened = await openVault();
    expect(reopened.status().entries).toBe(20);
  });

  it('delete removes an entry, and get then says none is stored', async () => {
    const vault = await openVault();
    await vault.put('t1', action);
    expect(await vault.delete('t1')).toBe(true);
    expect(await vault.delete('t1')).toBe(false);
    const got = await (await openVault()).get('t1');
    expect(got).toMatchObject({ ok: false, locked: false });
  });

  it('refuses an invalid action with the field named', async () => {
    const vault = await openVault();
    const bad = { ...action, program: '' };
    await expect(vault.put('t1', bad)).rejects.toThrow(/program is required/);
  });

  it('re-encrypts an entry when the cipher says its key was rotated', async () => {
    const base = new PlaintextCipher();
    let rotated = false;
    const rotating: Cipher = {
      backend: base.backend,
      secure: false,
      encrypt: (plain) => base.encrypt(plain),
      decrypt: (text) => base.decrypt(text),
      needsReEncrypt: () => rotated,
    };
    const vault = await openVault(rotating);
    await vault.put('t1', action);
    await vault.close();
    rotated = true;
    const reopened = await openVault(rotating);
    expect(reopened.status().notices.join(' ')).toContain('re-encrypted');
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
    await reopened.close();
  });
});
