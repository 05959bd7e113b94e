import { describe, it, expect } from 'vitest';
import { Redactor, secretValuesOf } from '../../../main/core/actions/redaction.js';
import { SECRET_MASK, actionSchema } from '../../../main/core/model/action.js';

describe('Redactor', () => {
  it('replaces every occurrence of each secret with the mask', () => {
    const redactor = new Redactor(['hunter2', 'tok-123']);
    expect(redactor.redact('pw=hunter2 token=tok-123 again hunter2')).toBe(
      `pw=${SECRET_MASK} token=${SECRET_MASK} again ${SECRET_MASK}`,
    );
  });

  it('masks a longer secret whole even when it contains a shorter one', () => {
    const redactor = new Redactor(['abcd', 'abcdefgh']);
    expect(redactor.redact('x abcdefgh y')).toBe(`x ${SECRET_MASK} y`);
  });

  it('masks JSON-escaped and URL-encoded forms of a secret', () => {
    const redactor = new Redactor(['p"a ss/word']);
    expect(redactor.redact('{"pw":"p\\"a ss/word"}')).toBe(`{"pw":"${SECRET_MASK}"}`);
    expect(redactor.redact('?pw=p%22a%20ss%2Fword')).toBe(`?pw=${SECRET_MASK}`);
  });

  it('masks a secret split between head and tail of an untruncated output', () => {
    const redactor = new Redactor(['supersecret']);
    const out = redactor.redactOutput({
      head: 'value: super',
      tail: 'secret.',
      truncated: false,
      totalBytes: 19,
    });
    expect(out.head + out.tail).toBe(`value: ${SECRET_MASK}.`);
  });

  it('masks the part of a secret cut by a truncation edge', () => {
    const redactor = new Redactor(['supersecret']);
    const out = redactor.redactOutput({
      head: 'start supers',
      tail: 'rsecret end',
      truncated: true,
      totalBytes: 999,
    });
    expect(out.head).toBe(`start ${SECRET_MASK}`);
    expect(out.tail).toBe(`${SECRET_MASK} end`);
  });

  it('ignores empty secrets and leaves text alone when there are none', () => {
    const redactor = new Redactor(['']);
    expect(redactor.isEmpty).toBe(true);
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });

  it('redacts outputs and the error of an outcome', () => {
    const redactor = new Redactor(['s3cr3t']);
    const outcome = redactor.redactOutcome({
      status: 'failed',
      error: 'bad key s3cr3t',
      stdout: { head: 's3cr3t', tail: '', truncated: false, totalBytes: 6 },
      stderr: null,
    });
    expect(outcome.error).toBe(`bad key ${SECRET_MASK}`);
    expect(outcome.stdout?.head).toBe(SECRET_MASK);
    expect(outcome.stderr).toBeNull();
  });

  it('finds the secret values of shell env and http headers', () => {
    const shell = actionSchema.parse({
      kind: 'shell',
      program: 'x',
      env: [
        { name: 'A', value: 'open' },
        { name: 'B', value: 'hidden', secret: true },
      ],
    });
    const http = actionSchema.parse({
      kind: 'http',
      url: 'http://127.0.0.1/',
      headers: [{ name: 'Authorization', value: 'Bearer t', secret: true }],
    });
    expect(secretValuesOf(shell)).toEqual(['hidden']);
    expect(secretValuesOf(http)).toEqual(['Bearer t']);
  });
});
