import { describe, expect, it } from 'vitest';
import { createIssuerTrust } from './trust.js';

const PS = 'https://ps.example';
const OTHER = 'https://other-ps.example';
const AS = 'https://as.example';

describe('createIssuerTrust', () => {
  it('by default accepts person tokens from any PS and auth tokens only from recorded PSes', () => {
    const trust = createIssuerTrust({ maxRecorded: 10, recordTtlSeconds: 100 });
    expect(trust.acceptsPersonTokenFrom(OTHER)).toBe(true);
    expect(trust.acceptsAuthTokenFromPersonServer(PS, 1000)).toBe(false);
    trust.recordResourceTokenIssued(PS, 1000);
    expect(trust.acceptsAuthTokenFromPersonServer(PS, 1099)).toBe(true);
    expect(trust.acceptsAuthTokenFromPersonServer(PS, 1100)).toBe(false);
    expect(trust.acceptsAuthTokenFromPersonServer(OTHER, 1000)).toBe(false);
  });

  it('forgets the least recently recorded PS beyond maxRecorded', () => {
    const trust = createIssuerTrust({ maxRecorded: 2, recordTtlSeconds: 100 });
    trust.recordResourceTokenIssued('https://a.example', 1000);
    trust.recordResourceTokenIssued('https://b.example', 1000);
    trust.recordResourceTokenIssued('https://a.example', 1001); // refreshes a
    trust.recordResourceTokenIssued('https://c.example', 1002); // evicts b
    expect(trust.acceptsAuthTokenFromPersonServer('https://a.example', 1010)).toBe(true);
    expect(trust.acceptsAuthTokenFromPersonServer('https://b.example', 1010)).toBe(false);
    expect(trust.acceptsAuthTokenFromPersonServer('https://c.example', 1010)).toBe(true);
  });

  it('with trustedPersonServers, trusts exactly the listed PSes for person and auth tokens', () => {
    const trust = createIssuerTrust({ trustedPersonServers: [PS], maxRecorded: 10, recordTtlSeconds: 100 });
    trust.recordResourceTokenIssued(OTHER, 1000);
    expect(trust.acceptsPersonTokenFrom(PS)).toBe(true);
    expect(trust.acceptsPersonTokenFrom(OTHER)).toBe(false);
    expect(trust.acceptsAuthTokenFromPersonServer(PS, 1000)).toBe(true);
    expect(trust.acceptsAuthTokenFromPersonServer(OTHER, 1000)).toBe(false);
  });

  it('accepts a predicate for trustedPersonServers', () => {
    const trust = createIssuerTrust({
      trustedPersonServers: (iss) => iss.endsWith('.example'),
      maxRecorded: 10,
      recordTtlSeconds: 100,
    });
    expect(trust.acceptsAuthTokenFromPersonServer(PS, 0)).toBe(true);
    expect(trust.acceptsPersonTokenFrom('https://ps.test')).toBe(false);
  });

  it('trusts Access Servers only when configured', () => {
    expect(
      createIssuerTrust({ maxRecorded: 1, recordTtlSeconds: 1 }).acceptsAuthTokenFromAccessServer(AS),
    ).toBe(false);
    const trust = createIssuerTrust({ trustedAccessServers: [AS], maxRecorded: 1, recordTtlSeconds: 1 });
    expect(trust.acceptsAuthTokenFromAccessServer(AS)).toBe(true);
    expect(trust.acceptsAuthTokenFromAccessServer(PS)).toBe(false);
  });
});
