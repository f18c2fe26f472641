import { describe, expect, it } from 'vitest';
import { EgressDeniedError, NetworkError } from '../errors.js';
import {
  admitUrl,
  DEVELOPMENT_EGRESS,
  type EgressPolicy,
  isNonPublicAddress,
  STRICT_EGRESS,
} from './egress.js';

/** A resolver that answers fixed addresses, so range checks are tested without real DNS. */
function resolvingTo(...addresses: string[]): EgressPolicy {
  return {
    profile: 'strict',
    lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  };
}

describe('strict egress admission', () => {
  it('admits an https URL whose host resolves only to public addresses', async () => {
    const admitted = await admitUrl(
      'https://issuer.example/.well-known/aauth-agent.json',
      resolvingTo('93.184.216.34'),
    );
    expect(admitted.url.href).toBe('https://issuer.example/.well-known/aauth-agent.json');
    expect(admitted.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses http', async () => {
    await expect(admitUrl('http://issuer.example/x', resolvingTo('93.184.216.34'))).rejects.toBeInstanceOf(
      EgressDeniedError,
    );
  });

  it('refuses other schemes and relative URLs', async () => {
    await expect(admitUrl('file:///etc/passwd', STRICT_EGRESS)).rejects.toBeInstanceOf(EgressDeniedError);
    await expect(admitUrl('/relative', STRICT_EGRESS)).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('refuses userinfo', async () => {
    await expect(admitUrl('https://user:pw@issuer.example/x', resolvingTo('93.184.216.34'))).rejects.toThrow(
      /userinfo/,
    );
  });

  it.each([
    'https://127.0.0.1/x',
    'https://10.1.2.3/x',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/x',
    'https://[fc00::1]/x',
    'https://93.184.216.34/x',
  ])('refuses the IP-literal host in %s', async (url) => {
    await expect(admitUrl(url, STRICT_EGRESS)).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('refuses a host name resolving to loopback (real DNS: localhost)', async () => {
    await expect(admitUrl('https://localhost/x', STRICT_EGRESS)).rejects.toThrow(/non-public address/);
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['10/8', '10.0.0.7'],
    ['172.16/12', '172.20.1.1'],
    ['192.168/16', '192.168.1.1'],
    ['link-local', '169.254.1.1'],
    ['CGNAT', '100.64.0.1'],
    ['multicast', '224.0.0.1'],
    ['unspecified', '0.0.0.0'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['unique local', 'fd12:3456::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped private (hex form)', '::ffff:a00:1'],
  ])('refuses a host resolving to %s (%s)', async (_name, address) => {
    await expect(admitUrl('https://issuer.example/x', resolvingTo(address))).rejects.toBeInstanceOf(
      EgressDeniedError,
    );
  });

  it('refuses when any one of several resolved addresses is non-public', async () => {
    await expect(
      admitUrl('https://issuer.example/x', resolvingTo('93.184.216.34', '10.0.0.1')),
    ).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('admits a public IPv6 address', async () => {
    const admitted = await admitUrl('https://issuer.example/x', resolvingTo('2606:2800:220:1::1'));
    expect(admitted.addresses[0]?.family).toBe(6);
  });

  it('reports a failing DNS lookup as a NetworkError', async () => {
    const policy: EgressPolicy = {
      profile: 'strict',
      lookup: async () => {
        throw new Error('ENOTFOUND');
      },
    };
    await expect(admitUrl('https://nowhere.example/x', policy)).rejects.toBeInstanceOf(NetworkError);
  });

  it('admits an allow-listed internal host without a range check, resolved for pinning, https only', async () => {
    const policy: EgressPolicy = { ...resolvingTo('10.0.0.1'), allowHosts: ['keys.internal'] };
    await expect(admitUrl('https://keys.internal/jwks', policy)).resolves.toMatchObject({
      addresses: [{ address: '10.0.0.1', family: 4 }],
    });
    await expect(admitUrl('http://keys.internal/jwks', policy)).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('admits an allow-listed name the resolver does not know unpinned (a test identifier routed by an injected fetch)', async () => {
    const policy: EgressPolicy = {
      profile: 'strict',
      allowHosts: ['ps.mockin.test'],
      lookup: async () => {
        throw new Error('ENOTFOUND');
      },
    };
    await expect(
      admitUrl('https://ps.mockin.test/.well-known/aauth-person.json', policy),
    ).resolves.toMatchObject({
      addresses: [],
    });
    // Not allow-listed: the same resolver failure refuses the URL.
    await expect(admitUrl('https://other.mockin.test/x', policy)).rejects.toBeInstanceOf(NetworkError);
  });

  it('admits an allow-listed IP literal as named, with nothing to resolve', async () => {
    const policy: EgressPolicy = { profile: 'strict', allowHosts: ['10.1.2.3'] };
    await expect(admitUrl('https://10.1.2.3/jwks', policy)).resolves.toMatchObject({ addresses: [] });
  });
});

describe('development egress profile', () => {
  it.each(['http://localhost:8080/x', 'http://127.0.0.1:1/x', 'http://[::1]:9/x', 'https://localhost/x'])(
    'admits loopback %s',
    async (url) => {
      await expect(admitUrl(url, DEVELOPMENT_EGRESS)).resolves.toMatchObject({ addresses: [] });
    },
  );

  it('still refuses http to any other host', async () => {
    await expect(admitUrl('http://issuer.example/x', DEVELOPMENT_EGRESS)).rejects.toBeInstanceOf(
      EgressDeniedError,
    );
    await expect(admitUrl('http://10.0.0.1/x', DEVELOPMENT_EGRESS)).rejects.toBeInstanceOf(EgressDeniedError);
  });
});

describe('isNonPublicAddress', () => {
  it('classifies public and non-public addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('192.168.0.1')).toBe(true);
    expect(isNonPublicAddress('2001:4860:4860::8888')).toBe(false);
    expect(isNonPublicAddress('2001:db8::1')).toBe(true);
    expect(isNonPublicAddress('not-an-ip')).toBe(true);
  });
});
