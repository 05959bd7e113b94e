import { describe, it, expect } from 'vitest';
import { maskAction, mergeActionUpdate } from '../../../main/core/store/vault.js';
import { SECRET_MASK, actionSchema } from '../../../main/core/model/action.js';

const stored = actionSchema.parse({
  kind: 'shell',
  program: 'deploy',
  env: [
    { name: 'TOKEN', value: 'tok_live_123', secret: true },
    { name: 'REGION', value: 'eu', secret: false },
  ],
});

describe('maskAction and mergeActionUpdate', () => {
  it('masks secret values and leaves the rest readable', () => {
    const masked = maskAction(stored);
    expect(JSON.stringify(masked)).not.toContain('tok_live_123');
    expect(masked.kind === 'shell' && masked.env).toEqual([
      { name: 'TOKEN', value: SECRET_MASK, secret: true },
      { name: 'REGION', value: 'eu', secret: false },
    ]);
  });

  it('masks secret http headers', () => {
    const http = actionSchema.parse({
      kind: 'http',
      url: 'https://example.com/',
      headers: [{ name: 'Authorization', value: 'Bearer x', secret: true }],
    });
    expect(JSON.stringify(maskAction(http))).not.toContain('Bearer x');
  });

  it('an edit that leaves the mask in place keeps the stored secret', () => {
    const edited = { ...maskAction(stored), program: 'deploy2' } as typeof stored;
    const merged = mergeActionUpdate(edited, stored);
    expect(merged.ok && merged.action).toEqual({ ...stored, program: 'deploy2' });
  });

  it('a new value replaces the stored secret', () => {
    const edited = actionSchema.parse({
      ...stored,
      env: [{ name: 'TOKEN', value: 'tok_new', secret: true }],
    });
    const merged = mergeActionUpdate(edited, stored);
    expect(merged.ok && merged.action.kind === 'shell' && merged.action.env[0]?.value).toBe(
      'tok_new',
    );
  });

  it('a mask with no stored value behind it is refused with the field named', () => {
    const edited = actionSchema.parse({
      ...stored,
      env: [{ name: 'OTHER', value: SECRET_MASK, secret: true }],
    });
    const merged = mergeActionUpdate(edited, stored);
    expect(merged.ok).toBe(false);
    if (!merged.ok) {
      expect(merged.issues[0]?.path).toEqual(['env', 0, 'value']);
      expect(merged.issues[0]?.message).toContain("'OTHER'");
    }
  });
});
