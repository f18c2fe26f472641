import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DWK } from '../constants.js';
import { DiscoveryError } from '../errors.js';
import { keyDiscoveryMembers, validateMetadata } from './metadata.js';

const PS = {
  issuer: 'https://ps.example',
  jwks_uri: 'https://ps.example/.well-known/jwks.json',
  auth_token_endpoint: 'https://ps.example/token',
  person_token_endpoint: 'https://ps.example/person',
};

describe('validateMetadata', () => {
  it('accepts the P11 PS example and keeps unknown members', () => {
    const doc = { ...PS, mission_endpoint: 'https://ps.example/mission', future_member: true };
    const metadata = validateMetadata(DWK.person, doc, { expectedIssuer: 'https://ps.example' });
    expect(metadata.mission_endpoint).toBe('https://ps.example/mission');
    expect(metadata.future_member).toBe(true);
  });

  it.each([
    ['person', DWK.person, { ...PS, person_token_endpoint: undefined }, /person_token_endpoint/],
    ['person', DWK.person, { ...PS, auth_token_endpoint: undefined }, /auth_token_endpoint/],
    [
      'access',
      DWK.access,
      { issuer: 'https://as.example', jwks_uri: 'https://as.example/jwks' },
      /auth_token_endpoint/,
    ],
    ['agent', DWK.agent, { issuer: 'https://ap.example' }, /jwks_uri/],
  ])('rejects %s metadata missing a REQUIRED member', (_name, dwk, doc, message) => {
    expect(() => validateMetadata(dwk, JSON.parse(JSON.stringify(doc)))).toThrow(message);
  });

  it('accepts resource metadata without jwks_uri', () => {
    expect(validateMetadata(DWK.resource, { issuer: 'https://r.example' }).issuer).toBe('https://r.example');
  });

  it('requires https endpoints without query on token endpoints', () => {
    expect(() =>
      validateMetadata(DWK.person, { ...PS, auth_token_endpoint: 'http://ps.example/token' }),
    ).toThrow(DiscoveryError);
    expect(() =>
      validateMetadata(DWK.person, { ...PS, auth_token_endpoint: 'https://ps.example/t?x=1' }),
    ).toThrow(/auth_token_endpoint/);
    expect(() => validateMetadata(DWK.person, { ...PS, jwks_uri: 'https://ps.example/jwks#frag' })).toThrow(
      /jwks_uri/,
    );
  });

  it('admits localhost http endpoints only under the development profile', () => {
    const local = {
      issuer: 'http://localhost:3000',
      jwks_uri: 'http://localhost:3000/jwks',
      auth_token_endpoint: 'http://127.0.0.1:3000/token',
      person_token_endpoint: 'http://localhost:3000/person',
    };
    expect(() => validateMetadata(DWK.person, local)).toThrow(DiscoveryError);
    expect(validateMetadata(DWK.person, local, { allowLocalhostHttp: true }).issuer).toBe(
      'http://localhost:3000',
    );
  });

  it('applies the issuer rule: issuer_missing and issuer_mismatch', () => {
    const { issuer: _omit, ...noIssuer } = PS;
    expect(() => validateMetadata(DWK.person, noIssuer, { expectedIssuer: 'https://ps.example' })).toThrow(
      expect.objectContaining({ signatureError: 'issuer_missing' }),
    );
    expect(() => validateMetadata(DWK.person, PS, { expectedIssuer: 'https://PS.example' })).toThrow(
      expect.objectContaining({ signatureError: 'issuer_mismatch' }),
    );
  });

  it('type-checks known members', () => {
    expect(() =>
      validateMetadata(DWK.resource, { issuer: 'https://r.example', signature_window: '60' }),
    ).toThrow(/signature_window/);
    expect(() =>
      validateMetadata(DWK.resource, { issuer: 'https://r.example', additional_signature_components: 'x' }),
    ).toThrow(/additional_signature_components/);
    expect(() =>
      validateMetadata(DWK.agent, {
        issuer: 'https://a.example',
        jwks_uri: 'https://a.example/j',
        localhost_callback_allowed: 'yes',
      }),
    ).toThrow(/localhost_callback_allowed/);
    expect(() => validateMetadata(DWK.agent, 'not an object')).toThrow(DiscoveryError);
  });
});

describe('aauth-go metadata vectors', () => {
  const vectors = JSON.parse(
    readFileSync(new URL('../../../../test/vectors/aauth-go/metadata.json', import.meta.url), 'utf8'),
  ) as { cases: { document: string; json: Record<string, unknown> }[] };

  it('validates the agent and resource documents as final -11 documents', () => {
    for (const c of vectors.cases.filter((v) => v.document !== DWK.person)) {
      expect(validateMetadata(c.document as typeof DWK.agent, c.json).issuer).toBe(c.json.issuer);
    }
  });

  it('rejects the pre-final-11 person document (token_endpoint) but still finds its keys', () => {
    // Known divergence: aauth-go still names auth_token_endpoint `token_endpoint` and has no
    // person_token_endpoint; final -11 makes both REQUIRED. Key discovery needs only issuer + jwks_uri.
    const person = vectors.cases.find((v) => v.document === DWK.person)!;
    expect(() => validateMetadata(DWK.person, person.json)).toThrow(/auth_token_endpoint/);
    expect(keyDiscoveryMembers(person.json, 'https://ps.example').jwksUri).toBe(
      'https://ps.example/.well-known/jwks.json',
    );
  });
});
