/** Base64 and base64url codecs over bytes. Node's Buffer is used when present (fast path). */
import { InvalidArgumentError } from '../errors.js';

const hasBuffer = typeof globalThis.Buffer === 'function';
const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Strict standard base64 with padding (as used in RFC 8941 byte sequences and Content-Digest). */
export function decodeBase64(text: string): Uint8Array {
  if (!B64_RE.test(text)) throw new InvalidArgumentError('value is not standard padded base64');
  if (hasBuffer) return new Uint8Array(Buffer.from(text, 'base64'));
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict unpadded base64url (RFC 7515 §2). */
export function decodeBase64Url(text: string): Uint8Array {
  if (!B64URL_RE.test(text) || text.length % 4 === 1) {
    throw new InvalidArgumentError('value is not unpadded base64url');
  }
  if (hasBuffer) return new Uint8Array(Buffer.from(text, 'base64url'));
  const pad = text.length % 4 === 0 ? '' : '='.repeat(4 - (text.length % 4));
  return decodeBase64(text.replace(/-/g, '+').replace(/_/g, '/') + pad);
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
