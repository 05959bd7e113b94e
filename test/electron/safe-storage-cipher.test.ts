import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SafeStorageCipher } from '../../main/electron/safe-storage-cipher.js';
import type { SafeStorageApi } from '../../main/electron/safe-storage-cipher.js';
import { Vault } from '../../main/core/store/vault.js';
import { actionSchema } from '../../main/core/model/action.js';

/** A stand-in for safeStorage that really encrypts (AES-256-CBC with its own key), like the OS keychain would. */
function fakeSafeStorage(
  options: {
    available?: boolean;
    backend?: ReturnType<SafeStorageApi['getSelectedStorageBackend']>;
  } = {},
) {
  const state = { key: randomBytes(32), shouldReEncrypt: false, encryptCalls: 0 };
  const api: SafeStorageApi = {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptStringAsync: async (plain) => {
      state.encryptCalls++;
      const iv = randomBytes(16);
      const c = createCipheriv('aes-256-cbc', state.key, iv);
      return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]);
    },
    decryptStringAsync: async (bytes) => {
      const d = createDecipheriv('aes-256-cbc', state.key, bytes.subarray(0, 16));
      const result = Buffer.concat([d.update(bytes.subarray(16)), d.final()]).toString('utf8');
      return { result, shouldReEncrypt: state.shouldReEncrypt };
    },
  };
  return { api, state };
}

const action = actionSchema.parse({
  kind: 'http',
  url: 'https://example.com/hook',
  headers: [{ name: 'Authorization', value: 'Bearer SECRET_MARKER_41', secret: true }],
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-safe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SafeStorageCipher', () => {
  it('stores actions through the vault without clear text and reads them back', async () => {
    const { api } = fakeSafeStorage();
    const cipher = await SafeStorageCipher.open(api, 'darwin');
    const vault = new Vault({ dataDir: dir, cipher });
    await vault.load();
    await vault.put('t1', action);
    await vault.close();
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).not.toContain('SECRET_MARKER_41');
    const reopened = new Vault({ dataDir: dir, cipher });
    await reopened.load();
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
    expect(reopened.status()).toMatchObject({
      backend: 'electron-safeStorage',
      secure: true,
      warning: null,
    });
  });

  it('re-encrypts entries when safeStorage says shouldReEncrypt', async () => {
    const { api, state } = fakeSafeStorage();
    const cipher = await SafeStorageCipher.open(api, 'darwin');
    const vault = new Vault({ dataDir: dir, cipher });
    await vault.load();
    await vault.put('t1', action);
    await vault.close();
    const before = await readFile(join(dir, 'vault.json'), 'utf8');
    state.shouldReEncrypt = true;
    const reopened = new Vault({ dataDir: dir, cipher });
    await reopened.load();
    expect(state.encryptCalls).toBe(2);
    expect(await readFile(join(dir, 'vault.json'), 'utf8')).not.toBe(before);
    expect(await reopened.get('t1')).toEqual({ ok: true, action });
  });

  it("counts Linux 'basic_text' as not secure and warns", async () => {
    const cipher = await SafeStorageCipher.open(
      fakeSafeStorage({ backend: 'basic_text' }).api,
      'linux',
    );
    expect(cipher.secure).toBe(false);
    expect(cipher.backend).toBe('electron-safeStorage (basic_text)');
    expect(cipher.warning).toContain('basic_text');
  });

  it('refuses to start when encryption is not available instead of falling back', async () => {
    await expect(
      SafeStorageCipher.open(fakeSafeStorage({ available: false }).api, 'linux'),
    ).rejects.toThrow(/SafeStorageCipher: .*keychain is not available/);
  });

  it('an entry the keychain cannot decrypt is reported with advice', async () => {
    const writer = await SafeStorageCipher.open(fakeSafeStorage().api, 'win32');
    const reader = await SafeStorageCipher.open(fakeSafeStorage().api, 'win32');
    await expect(reader.decrypt(await writer.encrypt('x'))).rejects.toThrow(
      /could not decrypt.*Re-enter the action/,
    );
  });

  it('a change of Linux keyring locks entries with both backends named', async () => {
    const vault = new Vault({
      dataDir: dir,
      cipher: await SafeStorageCipher.open(fakeSafeStorage().api, 'linux'),
    });
    await vault.load();
    await vault.put('t1', action);
    const other = new Vault({
      dataDir: dir,
      cipher: await SafeStorageCipher.open(fakeSafeStorage({ backend: 'kwallet6' }).api, 'linux'),
    });
    await other.load();
    const got = await other.get('t1');
    expect(!got.ok && got.reason).toMatch(/gnome_libsecret.*kwallet6/);
  });
});
