import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, stat, writeFile, readFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AesGcmCipher } from '../../../main/core/store/cipher-aes-gcm.js';

const posix = process.platform !== 'win32';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crontray-aes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AesGcmCipher', () => {
  it('decrypts what it encrypted, with a fresh nonce every time', async () => {
    const cipher = await AesGcmCipher.open({ dataDir: dir, env: {} });
    const a = await cipher.encrypt('héllo wörld');
    const b = await cipher.encrypt('héllo wörld');
    expect(a).not.toBe(b);
    expect(a.startsWith('aesgcm1:')).toBe(true);
    expect(await cipher.decrypt(a)).toBe('héllo wörld');
  });

  it('creates the key file with mode 0600 and reuses it on the next start', async () => {
    const first = await AesGcmCipher.open({ dataDir: dir, env: {} });
    expect(first.keyCreated).toBe(true);
    if (posix) expect((await stat(join(dir, 'vault.key'))).mode & 0o777).toBe(0o600);
    const second = await AesGcmCipher.open({ dataDir: dir, env: {} });
    expect(second.keyCreated).toBe(false);
    expect(second.keyId).toBe(first.keyId);
    expect(await second.decrypt(await first.encrypt('x'))).toBe('x');
  });

  it('takes the key from CRONTRAY_KEY as hex or base64 and then writes no key file', async () => {
    const key = randomBytes(32);
    const hex = await AesGcmCipher.open({
      dataDir: dir,
      env: { CRONTRAY_KEY: key.toString('hex') },
    });
    const b64 = await AesGcmCipher.open({
      dataDir: dir,
      env: { CRONTRAY_KEY: key.toString('base64') },
    });
    expect(hex.keySource).toBe('env');
    expect(await b64.decrypt(await hex.encrypt('same key'))).toBe('same key');
    await expect(stat(join(dir, 'vault.key'))).rejects.toThrow();
  });

  it('refuses a CRONTRAY_KEY of the wrong size and says how to make one', async () => {
    await expect(
      AesGcmCipher.open({ dataDir: dir, env: { CRONTRAY_KEY: 'c2hvcnQ=' } }),
    ).rejects.toThrow(/CRONTRAY_KEY is not a 32-byte key.*openssl rand -base64 32/);
  });

  it('never overwrites a key file it cannot parse', async () => {
    await writeFile(join(dir, 'vault.key'), 'not a key\n');
    await expect(AesGcmCipher.open({ dataDir: dir, env: {} })).rejects.toThrow(
      /key file .* is not a 32-byte key/,
    );
    expect(await readFile(join(dir, 'vault.key'), 'utf8')).toBe('not a key\n');
  });

  it('warns when the key file is readable by others', async () => {
    if (!posix) return;
    await AesGcmCipher.open({ dataDir: dir, env: {} });
    await chmod(join(dir, 'vault.key'), 0o644);
    const cipher = await AesGcmCipher.open({ dataDir: dir, env: {} });
    expect(cipher.warning).toContain('chmod 600');
  });

  it('detects a changed byte in the ciphertext', async () => {
    const cipher = await AesGcmCipher.open({ dataDir: dir, env: {} });
    const text = await cipher.encrypt('integrity matters');
    const data = Buffer.from(text.split(':')[2] ?? '', 'base64');
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
    const tampered = `${text.split(':').slice(0, 2).join(':')}:${data.toString('base64')}`;
    await expect(cipher.decrypt(tampered)).rejects.toThrow(/failed authentication/);
  });

  it('tells an entry from another key apart from a damaged one', async () => {
    const old = new AesGcmCipher(randomBytes(32));
    const current = new AesGcmCipher(randomBytes(32));
    await expect(current.decrypt(await old.encrypt('x'))).rejects.toThrow(
      /encrypted with another key.*Restore the vault.key/,
    );
    await expect(current.decrypt('plain:{}')).rejects.toThrow(/not in the aes-256-gcm format/);
  });
});
