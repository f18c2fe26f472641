import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError, SignatureKeyParseError } from '../errors.js';
import {
  getSignatureKeyMember,
  isKnownSignatureKey,
  parseSignatureKey,
  serializeSignatureKey,
} from './codec.js';
import type { KnownSignatureKey } from './types.js';

const JWT = 'eyJhbGciOiJFZDI1NTE5In0.eyJzdWIiOiJ4In0.c2ln';
const X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';

function parseFailure(fn: () => unknown): SignatureKeyParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureKeyParseError);
    expect(error).toBeInstanceOf(HeaderParseError);
    return error as SignatureKeyParseError;
  }
  throw new Error('expected a SignatureKeyParseError');
}

describe('parseSignatureKey', () => {
  it('decodes a jwt member with its token', () => {
    const members = parseSignatureKey(`sig=jwt;jwt="${JWT}"`);
    expect([...members.keys()]).toEqual(['sig']);
    expect(members.get('sig')).toEqual({ scheme: 'jwt', jwt: JWT });
  });

  it('reads the bare cache flag as true and ?0 as false', () => {
    expect(getSignatureKeyMember(`sig=jwt;jwt="${JWT}";cache`, 'sig')).toEqual({
      scheme: 'jwt',
      jwt: JWT,
      cache: true,
    });
    expect(getSignatureKeyMember(`sig=jwt;jwt="${JWT}";cache=?0`, 'sig')).toEqual({
      scheme: 'jwt',
      jwt: JWT,
      cache: false,
    });
  });

  it('decodes jkt-jwt like jwt', () => {
    expect(getSignatureKeyMember(`sig=jkt-jwt;jwt="${JWT}"`, 'sig')).toEqual({ scheme: 'jkt-jwt', jwt: JWT });
  });

  it('decodes an OKP hwk member into a JWK with alg', () => {
    const key = getSignatureKeyMember(`sig=hwk;kty="OKP";crv="Ed25519";x="${X}";alg="Ed25519"`, 'sig');
    expect(key).toEqual({ scheme: 'hwk', jwk: { kty: 'OKP', crv: 'Ed25519', x: X, alg: 'Ed25519' } });
  });

  it('decodes EC and RSA hwk members with their required members only', () => {
    expect(
      getSignatureKeyMember('sig=hwk;kty="EC";crv="P-256";x="a";y="b";alg="ES256";use="sig"', 'sig'),
    ).toEqual({ scheme: 'hwk', jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', alg: 'ES256' } });
    expect(getSignatureKeyMember('sig=hwk;kty="RSA";n="nn";e="AQAB";alg="PS256"', 'sig')).toEqual({
      scheme: 'hwk',
      jwk: { kty: 'RSA', n: 'nn', e: 'AQAB', alg: 'PS256' },
    });
  });

  it('decodes a jwks_uri member', () => {
    expect(
      getSignatureKeyMember(
        'sig=jwks_uri;id="https://ps.example";dwk="aauth-person.json";kid="key-1"',
        'sig',
      ),
    ).toEqual({ scheme: 'jwks_uri', id: 'https://ps.example', dwk: 'aauth-person.json', kid: 'key-1' });
  });

  it('keeps unknown schemes with their parameters as plain values', () => {
    const key = getSignatureKeyMember('sig=x509;x5u="https://a.example/c.pem";x5t=:AQID:;n=5;f', 'sig');
    expect(key).toEqual({
      scheme: 'x509',
      params: { x5u: 'https://a.example/c.pem', x5t: 'AQID', n: 5, f: true },
    });
    expect(isKnownSignatureKey(key)).toBe(false);
  });

  it('treats scheme names case-sensitively, so JWT is an unknown scheme', () => {
    const key = getSignatureKeyMember(`sig=JWT;jwt="${JWT}"`, 'sig');
    expect(key.scheme).toBe('JWT');
    expect(isKnownSignatureKey(key)).toBe(false);
  });

  it('narrows known members with isKnownSignatureKey', () => {
    const key = getSignatureKeyMember(`sig=jwt;jwt="${JWT}"`, 'sig');
    expect(isKnownSignatureKey(key)).toBe(true);
  });

  it('ignores unknown parameters on known schemes', () => {
    expect(getSignatureKeyMember(`sig=jwt;jwt="${JWT}";future="x"`, 'sig')).toEqual({
      scheme: 'jwt',
      jwt: JWT,
    });
  });

  it('returns a fresh object each call, so callers cannot corrupt the memo', () => {
    const header = `sig=hwk;kty="OKP";crv="Ed25519";x="${X}";alg="Ed25519"`;
    const first = getSignatureKeyMember(header, 'sig');
    if (first.scheme === 'hwk' && 'jwk' in first) first.jwk.x = 'tampered';
    expect(getSignatureKeyMember(header, 'sig')).toEqual({
      scheme: 'hwk',
      jwk: { kty: 'OKP', crv: 'Ed25519', x: X, alg: 'Ed25519' },
    });
  });
});

describe('Signature-Key failures', () => {
  it('reports a syntax error as malformed / invalid_signature', () => {
    const error = parseFailure(() => parseSignatureKey('sig=jwt;jwt="unterminated'));
    expect(error.reason).toBe('malformed');
    expect(error.signatureError).toBe('invalid_signature');
    expect(error.header).toBe('signature-key');
  });

  it('reports a missing label as label_not_found / invalid_signature', () => {
    const error = parseFailure(() => getSignatureKeyMember(`sig1=jwt;jwt="${JWT}"`, 'sig'));
    expect(error.reason).toBe('label_not_found');
    expect(error.signatureError).toBe('invalid_signature');
    expect(error.label).toBe('sig');
  });

  it('refuses a String scheme (sig="jwt") as scheme_not_token', () => {
    const error = parseFailure(() => getSignatureKeyMember('sig="jwt";jwt="x"', 'sig'));
    expect(error.reason).toBe('scheme_not_token');
    expect(error.signatureError).toBe('invalid_signature');
  });

  it('refuses the obsolete inner-list form', () => {
    const error = parseFailure(() => getSignatureKeyMember(`sig=(jwt "${JWT}")`, 'sig'));
    expect(error.reason).toBe('scheme_not_token');
  });

  it('refuses a jwt member without its token as missing_parameter / invalid_signature', () => {
    const error = parseFailure(() => getSignatureKeyMember('sig=jwt', 'sig'));
    expect(error.reason).toBe('missing_parameter');
    expect(error.signatureError).toBe('invalid_signature');
  });

  it('refuses a jwt parameter that is a Token, empty, or a non-boolean cache', () => {
    expect(parseFailure(() => getSignatureKeyMember('sig=jwt;jwt=abc', 'sig')).reason).toBe(
      'invalid_parameter',
    );
    expect(parseFailure(() => getSignatureKeyMember('sig=jwt;jwt=""', 'sig')).reason).toBe(
      'invalid_parameter',
    );
    expect(parseFailure(() => getSignatureKeyMember(`sig=jwt;jwt="${JWT}";cache=1`, 'sig')).reason).toBe(
      'invalid_parameter',
    );
  });

  it('refuses hwk with a kid as forbidden_parameter / invalid_key', () => {
    const error = parseFailure(() =>
      getSignatureKeyMember(`sig=hwk;kty="OKP";crv="Ed25519";x="${X}";alg="Ed25519";kid="k"`, 'sig'),
    );
    expect(error.reason).toBe('forbidden_parameter');
    expect(error.signatureError).toBe('invalid_key');
  });

  it('refuses hwk without alg, without x, with y missing on EC, or with an unknown kty as invalid_key', () => {
    const cases: [string, string][] = [
      [`sig=hwk;kty="OKP";crv="Ed25519";x="${X}"`, 'missing_parameter'],
      ['sig=hwk;kty="OKP";crv="Ed25519";alg="Ed25519"', 'missing_parameter'],
      ['sig=hwk;kty="EC";crv="P-256";x="a";alg="ES256"', 'missing_parameter'],
      ['sig=hwk;kty="oct";k="a";alg="HS256"', 'invalid_parameter'],
      ['sig=hwk;kty=OKP;crv="Ed25519";x="a";alg="Ed25519"', 'invalid_parameter'],
    ];
    for (const [header, reason] of cases) {
      const error = parseFailure(() => getSignatureKeyMember(header, 'sig'));
      expect(error.reason, header).toBe(reason);
      expect(error.signatureError, header).toBe('invalid_key');
    }
  });

  it('refuses jwks_uri without id, dwk or kid as invalid_key', () => {
    for (const header of [
      'sig=jwks_uri;dwk="aauth-person.json";kid="k"',
      'sig=jwks_uri;id="https://ps.example";kid="k"',
      'sig=jwks_uri;id="https://ps.example";dwk="aauth-person.json"',
    ]) {
      const error = parseFailure(() => getSignatureKeyMember(header, 'sig'));
      expect(error.reason, header).toBe('missing_parameter');
      expect(error.signatureError, header).toBe('invalid_key');
    }
  });

  it('ignores a malformed unselected member when selecting by label, but parseSignatureKey validates all', () => {
    const header = `sig1=hwk;kty="OKP", sig=jwt;jwt="${JWT}"`;
    expect(getSignatureKeyMember(header, 'sig')).toEqual({ scheme: 'jwt', jwt: JWT });
    expect(parseFailure(() => parseSignatureKey(header)).label).toBe('sig1');
  });

  it('turns non-string and oversized input into a HeaderParseError', () => {
    expect(parseFailure(() => parseSignatureKey(42 as unknown as string)).reason).toBe('malformed');
    expect(parseFailure(() => parseSignatureKey(`sig=jwt;jwt="${'a'.repeat(70_000)}"`)).reason).toBe(
      'malformed',
    );
  });

  it('never throws anything but SignatureKeyParseError on random input', () => {
    const alphabet = 'sig=jwt;"\\(),: ?*@%\t\n\r\u00e9\u{1F600}abcXYZ019-_.';
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      let input = '';
      const length = next() % 40;
      for (let i = 0; i < length; i++) input += alphabet[next() % alphabet.length];
      for (const fn of [() => parseSignatureKey(input), () => getSignatureKeyMember(input, 'sig')]) {
        try {
          fn();
        } catch (error) {
          expect(error, JSON.stringify(input)).toBeInstanceOf(SignatureKeyParseError);
        }
      }
    }
  });
});

describe('serializeSignatureKey', () => {
  it('writes canonical RFC 9651 for a jwt member', () => {
    expect(serializeSignatureKey({ sig: { scheme: 'jwt', jwt: JWT } })).toBe(`sig=jwt;jwt="${JWT}"`);
  });

  it('writes the cache flag bare and omits it when false', () => {
    expect(serializeSignatureKey({ sig: { scheme: 'jwt', jwt: JWT, cache: true } })).toBe(
      `sig=jwt;jwt="${JWT}";cache`,
    );
    expect(serializeSignatureKey({ sig: { scheme: 'jwt', jwt: JWT, cache: false } })).toBe(
      `sig=jwt;jwt="${JWT}"`,
    );
  });

  it('serves the memo only for the same label, scheme and flag', () => {
    expect(serializeSignatureKey({ sig: { scheme: 'jwt', jwt: JWT } })).toBe(`sig=jwt;jwt="${JWT}"`);
    expect(serializeSignatureKey({ other: { scheme: 'jwt', jwt: JWT } })).toBe(`other=jwt;jwt="${JWT}"`);
    expect(serializeSignatureKey({ sig: { scheme: 'jkt-jwt', jwt: JWT } })).toBe(`sig=jkt-jwt;jwt="${JWT}"`);
    expect(serializeSignatureKey(new Map([['sig', { scheme: 'jwt', jwt: JWT } as const]]))).toBe(
      `sig=jwt;jwt="${JWT}"`,
    );
  });

  it('writes hwk with only the scheme members, in order, dropping a local kid', () => {
    const header = serializeSignatureKey({
      sig: { scheme: 'hwk', jwk: { kty: 'OKP', crv: 'Ed25519', x: X, alg: 'Ed25519', kid: 'local' } },
    });
    expect(header).toBe(`sig=hwk;kty="OKP";crv="Ed25519";x="${X}";alg="Ed25519"`);
    expect(getSignatureKeyMember(header, 'sig')).toEqual({
      scheme: 'hwk',
      jwk: { kty: 'OKP', crv: 'Ed25519', x: X, alg: 'Ed25519' },
    });
  });

  it('writes jwks_uri and several members in order', () => {
    const entries = new Map<string, KnownSignatureKey>([
      ['sig', { scheme: 'jwks_uri', id: 'https://ps.example', dwk: 'aauth-person.json', kid: 'key-1' }],
      ['sig2', { scheme: 'jwt', jwt: JWT }],
    ]);
    const header = serializeSignatureKey(entries);
    expect(header).toBe(
      `sig=jwks_uri;id="https://ps.example";dwk="aauth-person.json";kid="key-1", sig2=jwt;jwt="${JWT}"`,
    );
    expect(parseSignatureKey(header)).toEqual(entries);
  });

  it('round-trips every known scheme through parse', () => {
    const members: KnownSignatureKey[] = [
      { scheme: 'jwt', jwt: JWT, cache: true },
      { scheme: 'jkt-jwt', jwt: JWT },
      { scheme: 'hwk', jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', alg: 'ES256' } },
      { scheme: 'hwk', jwk: { kty: 'RSA', n: 'n', e: 'AQAB', alg: 'PS256' } },
      { scheme: 'jwks_uri', id: 'https://a.example', dwk: 'aauth-agent.json', kid: 'k' },
    ];
    for (const member of members) {
      expect(getSignatureKeyMember(serializeSignatureKey({ sig: member }), 'sig')).toEqual(member);
    }
  });

  it('rejects bad labels, empty input, unknown schemes and missing or non-ASCII values', () => {
    const bad: unknown[] = [
      { Sig: { scheme: 'jwt', jwt: JWT } },
      {},
      new Map(),
      { sig: { scheme: 'x509', x5u: 'https://a.example' } },
      { sig: { scheme: 'jwt', jwt: '' } },
      { sig: { scheme: 'jwt', jwt: 'caf\u00e9' } },
      { sig: { scheme: 'hwk', jwk: { kty: 'OKP', crv: 'Ed25519', x: X } } },
      { sig: { scheme: 'hwk', jwk: { kty: 'oct', k: 'a', alg: 'HS256' } } },
      { sig: { scheme: 'jwks_uri', id: 'https://a.example', dwk: 'aauth-agent.json' } },
      { sig: null },
      null,
    ];
    for (const entries of bad) {
      expect(
        () => serializeSignatureKey(entries as Record<string, KnownSignatureKey>),
        JSON.stringify(entries),
      ).toThrow(InvalidArgumentError);
    }
  });
});
