import { describe, it, expect } from 'vitest';
import { newFlatId } from '../../../main/core/schedule/flat-id.js';

describe('task and run ids', () => {
  it('are random version-4 UUIDs, a new one each time', () => {
    const ids = Array.from({ length: 1000 }, () => newFlatId());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
