import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { expectError } from './__fixtures__/test-keys.js';
import { derToP1363 } from './ecdsa-der.js';

describe('derToP1363', () => {
  it('converts node DER signatures to P1363 signatures that verify and re-encode to the same DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = new TextEncoder().encode('message');
    // Many signatures, so that short r/s values (leading zero bytes) and high-bit values both occur.
    for (let i = 0; i < 200; i++) {
      const der = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
      const raw = derToP1363(der);
      expect(raw.length).toBe(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      // Re-encoding P1363 back to DER through node must give the original DER.
      const r = trimInteger(raw.subarray(0, 32));
      const s = trimInteger(raw.subarray(32));
      const body = [0x02, r.length, ...r, 0x02, s.length, ...s];
      expect(Buffer.from([0x30, body.length, ...body]).equals(der)).toBe(true);
    }
  });

  it('left-pads short integers', () => {
    const der = Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]);
    const raw = derToP1363(der);
    expect(raw[31]).toBe(5);
    expect(raw[63]).toBe(7);
    expect(raw.subarray(0, 31).every((b) => b === 0)).toBe(true);
  });

  it.each([
    ['empty', []],
    ['not a SEQUENCE', [0x31, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]],
    ['wrong SEQUENCE length', [0x30, 0x07, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]],
    ['not an INTEGER', [0x30, 0x06, 0x04, 0x01, 0x05, 0x02, 0x01, 0x07]],
    ['integer overruns', [0x30, 0x06, 0x02, 0x09, 0x05, 0x02, 0x01, 0x07]],
    ['zero-length integer', [0x30, 0x06, 0x02, 0x00, 0x02, 0x02, 0x01, 0x07]],
    ['trailing bytes', [0x30, 0x07, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07, 0x00]],
    ['integer too large', [0x30, 0x26, 0x02, 0x21, ...new Array(33).fill(1), 0x02, 0x01, 0x07]],
  ])('rejects %s', (_name, bytes) => {
    expectError(() => derToP1363(Uint8Array.from(bytes)), InvalidArgumentError);
  });
});

/** Minimal DER INTEGER content: no redundant leading zeros, a zero added when the high bit is set. */
function trimInteger(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const out = Array.from(bytes.subarray(start));
  return out[0]! & 0x80 ? [0, ...out] : out;
}
