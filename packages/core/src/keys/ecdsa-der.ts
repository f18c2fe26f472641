/**
 * ECDSA signature encodings: KMS/HSM APIs often return DER (`SEQUENCE { INTEGER r, INTEGER s }`), while
 * JOSE and AAuth use IEEE P1363 (`r || s`, each left-padded to the curve size).
 */
import { InvalidArgumentError } from '../errors.js';

/** Converts a DER ECDSA signature to P1363 with `size`-byte halves (32 for P-256). */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array {
  const fail = (): never => {
    throw new InvalidArgumentError('ECDSA signature is neither 64-byte P1363 nor valid DER');
  };
  // SEQUENCE with a short-form length covering the rest (a P-256 signature is at most 72 bytes).
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) fail();
  const out = new Uint8Array(size * 2);
  let offset = 2;
  for (let half = 0; half < 2; half++) {
    if (der[offset] !== 0x02) fail();
    const length = der[offset + 1]!;
    let start = offset + 2;
    const end = start + length;
    if (length === 0 || length > size + 1 || end > der.length) fail();
    // Strip the sign-padding zero; what remains must fit in `size` bytes.
    while (end - start > size && der[start] === 0) start++;
    if (end - start > size) fail();
    out.set(der.subarray(start, end), half * size + size - (end - start));
    offset = end;
  }
  if (offset !== der.length) fail();
  return out;
}
