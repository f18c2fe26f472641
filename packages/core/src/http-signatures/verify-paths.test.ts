/**
 * The verifier's fast paths (canonical header forms, a resolver's synchronous twin, synchronous keys)
 * must give exactly what the general paths give: same results, same errors, always as a promise.
 */
import { describe, expect, it } from 'vitest';
import { TokenVerificationError, UnsupportedAlgorithmError } from '../errors.js';
import {
  AAUTH_POLICY,
  agentKey,
  agentSigner,
  clock,
  expectSignatureError,
  SIGNATURE_KEY,
} from './__fixtures__/signing.js';
import { signMessage } from './sign.js';
import { registerSyncResolver } from './sync-resolver.js';
import type {
  HttpRequestLike,
  ResolvedSignatureKey,
  SignatureKeyResolver,
  VerificationKey,
  VerifiedSignature,
  VerifyMessageOptions,
} from './types.js';
import { verifyMessageSignature } from './verify.js';

type Message = HttpRequestLike & { headers: Record<string, string> };

const POST: Message = {
  method: 'POST',
  url: 'https://resource.example/api/documents?limit=2',
  headers: { 'content-type': 'application/json' },
  body: '{"title":"draft"}',
};

async function signed(message: Message = POST): Promise<Message> {
  const added = await signMessage(message, {
    signer: agentSigner,
    signatureKey: SIGNATURE_KEY,
    now: clock(),
  });
  return { ...message, headers: { ...message.headers, ...(added as unknown as Record<string, string>) } };
}

function withHeaders(message: Message, headers: Record<string, string>): Message {
  return { ...message, headers: { ...message.headers, ...headers } };
}

/** A resolver that counts its calls, answering `key`. */
function countingResolver(key: VerificationKey = agentKey): SignatureKeyResolver & { calls: number } {
  const resolver = async (): Promise<ResolvedSignatureKey> => {
    resolver.calls++;
    return { scheme: 'jwt', key };
  };
  resolver.calls = 0;
  return resolver;
}

function options(resolveKey: SignatureKeyResolver): VerifyMessageOptions {
  return { policy: AAUTH_POLICY, resolveKey, now: clock() };
}

function comparable(result: VerifiedSignature) {
  return {
    label: result.label,
    components: result.components,
    created: result.created,
    expires: result.expires,
    signature: [...result.signature],
    signatureKey: result.signatureKey,
    key: result.resolved.key,
  };
}

describe('canonical and general header paths', () => {
  it('verify equivalent spellings of the same signature to the same result', async () => {
    const message = await signed();
    const input = message.headers['signature-input'] as string;
    const signature = message.headers.signature as string;
    const canonical = await verifyMessageSignature(message, options(countingResolver()));
    // Same members, written the way only the structured-field parser reads: extra spaces, more members.
    const spelledOut = withHeaders(message, {
      'signature-input': `${input.replace('(', '( ').replaceAll('" "', '"  "')}, proxy=("@method");created=1`,
      signature: `proxy=:AAAA:,  ${signature}`,
    });
    const general = await verifyMessageSignature(spelledOut, options(countingResolver()));
    expect(comparable(general)).toEqual(comparable(canonical));
  });

  it('hands callers signature bytes of their own on both paths', async () => {
    const message = await signed();
    const canonical = await verifyMessageSignature(message, options(countingResolver()));
    const general = await verifyMessageSignature(
      withHeaders(message, { signature: ` ${message.headers.signature}` }),
      options(countingResolver()),
    );
    for (const { signature } of [canonical, general]) {
      expect(signature).toBeInstanceOf(Uint8Array);
      expect(signature.byteOffset).toBe(0);
      expect(signature.buffer.byteLength).toBe(64);
    }
  });

  it('rejects the same tampering on both paths', async () => {
    const message = await signed();
    const later = (message.headers['signature-input'] as string).replace(
      /created=\d+/,
      `created=${clock()() - 1}`,
    );
    await expectSignatureError(
      () =>
        verifyMessageSignature(
          withHeaders(message, { 'signature-input': later }),
          options(countingResolver()),
        ),
      'invalid_signature',
    );
    await expectSignatureError(
      () =>
        verifyMessageSignature(
          withHeaders(message, { 'signature-input': ` ${later}` }),
          options(countingResolver()),
        ),
      'invalid_signature',
    );
  });
});

describe('synchronous resolver twins', () => {
  it('answer instead of the resolver, with the same result', async () => {
    const message = await signed();
    const plain = countingResolver();
    const expected = await verifyMessageSignature(message, options(plain));
    const twinned = countingResolver();
    let twinCalls = 0;
    registerSyncResolver(twinned, (member) => {
      twinCalls++;
      return { scheme: member.scheme, key: agentKey };
    });
    const result = await verifyMessageSignature(message, options(twinned));
    expect(comparable(result)).toEqual(comparable(expected));
    expect([twinned.calls, twinCalls]).toEqual([0, 1]);
  });

  it('leave the resolver to answer when they cannot', async () => {
    const message = await signed();
    const resolver = countingResolver();
    registerSyncResolver(resolver, () => undefined);
    await verifyMessageSignature(message, options(resolver));
    expect(resolver.calls).toBe(1);
  });

  it('fail with the codes a rejecting resolver would give', async () => {
    const message = await signed();
    const failures = [
      new TokenVerificationError('expired_jwt', 'token has expired', 'exp'),
      new UnsupportedAlgorithmError('EdDSA is not accepted', undefined),
    ];
    for (const failure of failures) {
      const rejecting: SignatureKeyResolver = async () => Promise.reject(failure);
      const twinned: SignatureKeyResolver = async () => ({ scheme: 'jwt', key: agentKey });
      registerSyncResolver(twinned, () => {
        throw failure;
      });
      const viaResolver = await expectSignatureError(
        () => verifyMessageSignature(message, options(rejecting)),
        failure instanceof TokenVerificationError ? 'expired_jwt' : 'unsupported_algorithm',
      );
      const viaTwin = await expectSignatureError(
        () => verifyMessageSignature(message, options(twinned)),
        viaResolver.signatureError,
      );
      expect(viaTwin.details).toEqual(viaResolver.details);
      expect(viaTwin.message).toBe(viaResolver.message);
    }
  });
});

describe('keys that answer with a promise', () => {
  it('verify, and a false or failed answer is an invalid signature', async () => {
    const message = await signed();
    const asyncKey = (answer: () => Promise<boolean>): VerificationKey => ({ ...agentKey, verify: answer });
    const ok = await verifyMessageSignature(message, options(countingResolver(asyncKey(async () => true))));
    expect(ok.resolved.key.alg).toBe('Ed25519');
    await expectSignatureError(
      () => verifyMessageSignature(message, options(countingResolver(asyncKey(async () => false)))),
      'invalid_signature',
    );
    const failed = await expectSignatureError(
      () =>
        verifyMessageSignature(
          message,
          options(countingResolver(asyncKey(() => Promise.reject(new RangeError('hsm down'))))),
        ),
      'invalid_signature',
    );
    expect(failed.cause).toBeInstanceOf(RangeError);
  });
});

describe('errors found without waiting', () => {
  it('still arrive as a rejected promise', async () => {
    const message = await signed();
    const { signature: _dropped, ...headers } = message.headers;
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = verifyMessageSignature({ ...message, headers }, options(countingResolver()));
    }).not.toThrow();
    await expectSignatureError(() => pending as Promise<unknown>, 'invalid_signature');
  });
});
