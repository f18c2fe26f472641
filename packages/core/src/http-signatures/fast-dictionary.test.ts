import { type BareItem, type Dictionary, parseDictionary, Token } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { byteSequenceBytes, parseCanonicalDictionary, parseDictionaryFast } from './fast-dictionary.js';

/** A comparable view of a parsed value: byte sequences as byte arrays, tokens tagged, maps as entries. */
type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

function plainBare(value: BareItem): Plain {
  // The fast path gives Byte Sequences as Uint8Array, the library as ArrayBuffer: compare the bytes.
  if (value instanceof ArrayBuffer || value instanceof Uint8Array)
    return { bytes: [...new Uint8Array(value)] };
  if (value instanceof Token) return { token: value.toString() };
  if (typeof value === 'number' && Object.is(value, -0)) return { negativeZero: true };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return { other: String(value) };
}

function plainParams(params: Map<string, BareItem>): Plain {
  return [...params].map(([k, v]) => [k, plainBare(v)]);
}

function plain(dictionary: Dictionary): Plain {
  return [...dictionary].map(([key, [value, params]]) => [
    key,
    Array.isArray(value)
      ? { inner: value.map(([item, itemParams]) => [plainBare(item), plainParams(itemParams)]) }
      : plainBare(value),
    plainParams(params),
  ]);
}

/** What the library does with `value`: its parse, or the fact that it throws. */
function library(value: string): Plain {
  try {
    return plain(parseDictionary(value));
  } catch {
    return 'library throws';
  }
}

const SIGNATURE_B64 =
  'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

/** Canonical headers the fast path must take (and agree with the library on). */
const CANONICAL = [
  'sig=("@method" "@authority" "@path" "signature-key");created=1618884473',
  'sig=("@method" "@authority" "@path" "@query" "signature-key" "content-type" "content-digest");created=1700000000;expires=1700000060',
  'sig=();created=0',
  'sig1=("@method");created=1618884473;keyid="test-key-ed25519";alg="ed25519";nonce="b3k2pp5k7z-50gnwp.yemd";tag="aauth"',
  'sig1=("@method");created=1, sig2=("@authority" "@path");created=2;keyid="a b"',
  `sig=:${SIGNATURE_B64}:`,
  `sig=:${SIGNATURE_B64}:, proxy=:AAAA:`,
  'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
  'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
  'a=::',
  'a=:AA==:',
  'a=:AAA=:',
  'a=:QR==:', // non-zero padding bits: both decoders drop them
  'a=:QUJ=:',
  'a="", b="x", c=0, d=999999999999999',
  'a="!#$%&\'()*+,-./:;<=>?@[]^_`{|}~"',
  '*=1',
  'a.b-c_d*=1;e.f-g_h*=2',
  'sig=("content-type" "x");created=1;expires=2',
];

/** Valid or invalid headers outside the canonical subset: the fast path must leave them to the library. */
const NON_CANONICAL = [
  '',
  ' sig=("@method");created=1',
  'sig=("@method");created=1 ',
  'sig=("@method");created=1\t',
  'sig=( "@method");created=1',
  'sig=("@method" );created=1',
  'sig=("@method"  "@path");created=1',
  'sig=("@method"); created=1',
  'sig=("@method";sf);created=1',
  'sig=("@method";req "@path");created=1',
  'sig=("@method");created=01',
  'sig=("@method");created=-1',
  'sig=("@method");created=-0',
  'sig=("@method");created=1.5',
  'sig=("@method");created=1234567890123456',
  'sig=("@method");created',
  'sig=("@method");created=?1',
  'sig=("@method");created=@1618884473',
  'sig=("@method");alg=ed25519',
  'sig=("@method");nonce=:AAAA:',
  'sig=("@method");created=1;created=2',
  'sig=("@method");created=1,sig2=("@path");created=1',
  'sig=("@method");created=1,  sig2=("@path");created=1',
  'sig=("@method");created=1,\tsig2=("@path");created=1',
  'sig=("@method");created=1, sig=("@path");created=2',
  'sig=("@method");created=1,',
  'sig=("@method");created=1, ',
  'sig=("@me\\"thod");created=1',
  'sig=("@me\\\\thod");created=1',
  'sig=("@méthod");created=1',
  'sig=("@method\u0000");created=1',
  'sig=("@method");keyid="k\u007f"',
  'sig=("@method" "@path"',
  'sig=("@method" "@path)',
  'sig=(@method);created=1',
  'sig=(1 2);created=1',
  'Sig=("@method");created=1',
  '1sig=("@method");created=1',
  'sig',
  'sig;created=1',
  'sig=',
  'sig=jwt;jwt="abc"',
  'sig=?1',
  'sig=%"caf%c3%a9"',
  'sig=1.25',
  'sig=:AAA:',
  'sig=:AAAAA===:',
  'sig=:A===:',
  'sig=:====:',
  'sig=:AA=A:',
  'sig=:-_AA:',
  'sig=:AA AA:',
  'sig=:AAAA',
  'sig=:AAAA::',
  'sig=:AAAA:a',
  'sig=1a',
  'sig=1;a',
  'sig="unterminated',
  'sig=("a")x',
];

describe('parseCanonicalDictionary', () => {
  it.each(CANONICAL)('takes the canonical %s and agrees with structured-headers', (value) => {
    const fast = parseCanonicalDictionary(value);
    expect(fast).toBeDefined();
    expect(plain(fast as Dictionary)).toEqual(library(value));
  });

  it.each(NON_CANONICAL)('leaves %j to structured-headers', (value) => {
    expect(parseCanonicalDictionary(value)).toBeUndefined();
  });

  it('returns byte sequences as Uint8Arrays that own exactly their bytes', () => {
    const a = parseCanonicalDictionary(`sig=:${SIGNATURE_B64}:`)?.get('sig')?.[0];
    const b = parseCanonicalDictionary(`sig=:${SIGNATURE_B64}:`)?.get('sig')?.[0];
    expect(a).toBeInstanceOf(Uint8Array);
    const bytes = a as Uint8Array<ArrayBuffer>;
    expect(bytes.byteLength).toBe(64);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(64);
    expect(a).not.toBe(b);
    expect(byteSequenceBytes(bytes)).toBe(bytes);
  });

  it('reads the bytes of either Byte Sequence representation and nothing else', () => {
    const library = parseDictionary(`sig=:${SIGNATURE_B64}:`).get('sig')?.[0] as ArrayBuffer;
    expect([...(byteSequenceBytes(library) as Uint8Array)]).toEqual([
      ...Buffer.from(SIGNATURE_B64, 'base64'),
    ]);
    expect(byteSequenceBytes('AAAA')).toBeUndefined();
    expect(byteSequenceBytes(new Token('a'))).toBeUndefined();
  });

  it('agrees with structured-headers on random character edits of the corpus', () => {
    // Deterministic pseudo-random mutations: insert, delete or replace one character.
    const alphabet = ' \t"\\()=;,:.-_*?@%/+=0123456789azAZé\u0000\u007f';
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let checked = 0;
    let fastTaken = 0;
    for (const base of [...CANONICAL, ...NON_CANONICAL]) {
      for (let round = 0; round < 300; round++) {
        let mutated = base;
        // One to three edits, so that pairs such as an added space plus a removed one are tried too.
        for (let edits = 1 + random(3); edits > 0; edits--) {
          const at = random(mutated.length + 1);
          const char = alphabet[random(alphabet.length)] as string;
          const op = random(3);
          mutated =
            op === 0
              ? mutated.slice(0, at) + char + mutated.slice(at)
              : op === 1
                ? mutated.slice(0, at) + mutated.slice(at + 1)
                : mutated.slice(0, at) + char + mutated.slice(at + 1);
        }
        const fast = parseCanonicalDictionary(mutated);
        if (fast !== undefined) {
          fastTaken++;
          expect(plain(fast), mutated).toEqual(library(mutated));
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    // The mutations must exercise the fast path too, not only the fallback.
    expect(fastTaken).toBeGreaterThan(1_000);
  });
});

describe('parseDictionaryFast', () => {
  it('falls back to structured-headers for valid non-canonical input', () => {
    const value = 'sig=( "@method"  "@path" );created=1618884473;alg=ed25519';
    expect(plain(parseDictionaryFast(value))).toEqual(library(value));
  });

  it('throws what structured-headers throws for invalid input', () => {
    expect(() => parseDictionaryFast('sig=("@method"')).toThrow(/Parse error/);
  });
});
