import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { directedSubject } from './directed-subject.js';

const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');

describe('directedSubject', () => {
  it('is base64url(HMAC-SHA256(secret, person ‖ 0x00 ‖ resource))', () => {
    const expected = createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from('alice'), Buffer.from([0]), Buffer.from('https://docs.example')]))
      .digest('base64url');
    expect(directedSubject(secret, 'alice', 'https://docs.example')).toBe(expected);
    expect(expected).toHaveLength(43);
  });

  it('is stable per (person, resource) and differs across resources, persons and secrets', () => {
    const a = directedSubject(secret, 'alice', 'https://docs.example');
    expect(directedSubject(secret, 'alice', 'https://docs.example')).toBe(a);
    expect(directedSubject(secret, 'alice', 'https://mail.example')).not.toBe(a);
    expect(directedSubject(secret, 'bob', 'https://docs.example')).not.toBe(a);
    expect(directedSubject(new Uint8Array(32), 'alice', 'https://docs.example')).not.toBe(a);
  });

  it('separates person and resource so concatenations cannot collide', () => {
    expect(directedSubject(secret, 'ab', 'c')).not.toBe(directedSubject(secret, 'a', 'bc'));
  });
});
