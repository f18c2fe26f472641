import { type InnerList, isInnerList, parseDictionary } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { readCanonicalSignature, readCanonicalSignatureInput } from './canonical-fields.js';
import { serializeReceivedSignatureParams } from './signature-base.js';

const SIGNATURE_B64 =
  'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

/** What the general path reads from a Signature-Input: the library's parse of the label's member. */
function libraryInput(value: string, label: string) {
  let member: ReturnType<ReturnType<typeof parseDictionary>['get']>;
  try {
    member = parseDictionary(value).get(label);
  } catch {
    return 'library throws';
  }
  if (member === undefined || !isInnerList(member)) return 'not an inner list';
  const components = member[0].map(([item, params]) => (params.size === 0 ? item : { withParams: item }));
  return {
    components,
    created: member[1].get('created'),
    expires: member[1].get('expires'),
    params: [...member[1].keys()],
    serialized: components.every((c) => typeof c === 'string')
      ? serializeReceivedSignatureParams(components as string[], member as InnerList)
      : undefined,
  };
}

/** What the general path reads from a Signature: the label's Byte Sequence. */
function librarySignature(value: string, label: string) {
  try {
    const member = parseDictionary(value).get(label);
    if (member === undefined || isInnerList(member) || !(member[0] instanceof ArrayBuffer)) return 'no bytes';
    return [...new Uint8Array(member[0])];
  } catch {
    return 'library throws';
  }
}

/** The fast reader must agree with the library whenever it answers. */
function expectInputAgrees(value: string, label = 'sig'): boolean {
  const fast = readCanonicalSignatureInput(value, label);
  if (fast === undefined) return false;
  expect(libraryInput(value, label), value).toEqual({
    components: fast.components,
    created: fast.created,
    expires: fast.expires,
    params: fast.expires === undefined ? ['created'] : ['created', 'expires'],
    serialized: fast.signatureParams,
  });
  return true;
}

function expectSignatureAgrees(value: string, label = 'sig'): boolean {
  const fast = readCanonicalSignature(value, label);
  if (fast === undefined) return false;
  expect(librarySignature(value, label), value).toEqual([...fast]);
  return true;
}

const INPUTS = [
  'sig=("@method" "@authority" "@path" "signature-key");created=1618884473',
  'sig=("@method" "@authority" "@path" "@query" "signature-key" "authorization" "content-type" "content-digest");created=1700000000;expires=1700000060',
  'sig=();created=0',
  'sig=("");created=1',
  'sig=("Content-Type" "x y");created=999999999999999',
];

const NON_CANONICAL_INPUTS = [
  '',
  'sig',
  'sig=',
  'sig=(',
  'sig=()',
  'sig=();created',
  'sig=();created=',
  'sig=();created=01',
  'sig=();created=-1',
  'sig=();created=1.5',
  'sig=();created=1234567890123456',
  'sig=();created=1;expires=',
  'sig=();created=1;expires=02',
  'sig=();created=1;expires=2;expires=3',
  'sig=();created=1;keyid="k"',
  'sig=();keyid="k";created=1',
  'sig=();expires=2;created=1',
  'sig=();created=1 ',
  ' sig=();created=1',
  'sig=( "@method");created=1',
  'sig=("@method" );created=1',
  'sig=("@method"  "@path");created=1',
  'sig=("@method";sf);created=1',
  'sig=("@me\\"thod");created=1',
  'sig=("@méthod");created=1',
  'sig=(@method);created=1',
  'sig=("@method");created=1, other=();created=2',
  'other=();created=2, sig=("@method");created=1',
  'sig2=("@method");created=1',
  'sigx=("@method");created=1',
];

describe('readCanonicalSignatureInput', () => {
  it.each(INPUTS)('reads %s as structured-headers does, params text included', (value) => {
    expect(expectInputAgrees(value)).toBe(true);
  });

  it.each(NON_CANONICAL_INPUTS)('leaves %j to the general path', (value) => {
    expect(readCanonicalSignatureInput(value, 'sig')).toBeUndefined();
  });

  it('reads only members named by a valid key, under any such label', () => {
    expect(expectInputAgrees('agent.1=("@method");created=5', 'agent.1')).toBe(true);
    expect(readCanonicalSignatureInput('Sig=("@method");created=5', 'Sig')).toBeUndefined();
    expect(readCanonicalSignatureInput('=("@method");created=5', '')).toBeUndefined();
    expect(readCanonicalSignatureInput('1a=("@method");created=5', '1a')).toBeUndefined();
  });
});

describe('readCanonicalSignature', () => {
  it('reads a canonical Signature as structured-headers does', () => {
    expect(expectSignatureAgrees(`sig=:${SIGNATURE_B64}:`)).toBe(true);
    expect(expectSignatureAgrees('sig=:AA==:')).toBe(true);
    expect(expectSignatureAgrees('sig=:QR==:')).toBe(true);
    expect(expectSignatureAgrees('agent=:AAAA:', 'agent')).toBe(true);
  });

  it.each([
    'sig=::',
    'sig=:AAA:',
    'sig=:A===:',
    'sig=:====:',
    'sig=:AA=A:',
    'sig=:-_AA:',
    'sig=:AAAA: ',
    ' sig=:AAAA:',
    'sig=:AAAA:, x=:AAAA:',
    'sig=:AAAA:;p=1',
    'sig=AAAA',
    'sig=:AAAA',
    'sigx=:AAAA:',
  ])('leaves %j to the general path', (value) => {
    expect(readCanonicalSignature(value, 'sig')).toBeUndefined();
  });
});

describe('agreement on random edits', () => {
  it('never disagrees with structured-headers on mutated Signature-Input and Signature values', () => {
    const alphabet = ' \t"\\()=;,:.-_*?@/+=0123456789acdeiprstxACé';
    let seed = 11;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const mutate = (text: string): string => {
      let out = text;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(out.length + 1);
        const char = alphabet[random(alphabet.length)] as string;
        const op = random(3);
        out =
          op === 0
            ? out.slice(0, at) + char + out.slice(at)
            : op === 1
              ? out.slice(0, at) + out.slice(at + 1)
              : out.slice(0, at) + char + out.slice(at + 1);
      }
      return out;
    };
    let fastInputs = 0;
    let fastSignatures = 0;
    for (let round = 0; round < 4000; round++) {
      const input = INPUTS[round % INPUTS.length] as string;
      if (expectInputAgrees(mutate(input))) fastInputs++;
      const signature = round % 2 === 0 ? `sig=:${SIGNATURE_B64}:` : 'sig=:AAAA:';
      if (expectSignatureAgrees(mutate(signature))) fastSignatures++;
    }
    // The edits must also produce inputs the fast path takes, not only ones it declines.
    expect(fastInputs).toBeGreaterThan(200);
    expect(fastSignatures).toBeGreaterThan(200);
  });
});
