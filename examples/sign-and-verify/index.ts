/**
 * Sign a request as an AAuth agent and verify it as a resource would, with no network: the agent
 * provider's key is pinned in the verifier instead of being discovered.
 *
 *   pnpm example
 */
import {
  createRequestVerifier,
  generateKeyPair,
  mintAgentToken,
  SignatureVerificationError,
  signRequest,
} from '@aauth-kit/core';

export async function main(
  log: (line: string) => void = console.log,
): Promise<{ agent: string; tamperedCode: string }> {
  // 1. An agent provider key, and the agent's own key.
  const provider = await generateKeyPair();
  const agent = await generateKeyPair();

  // 2. The provider issues an agent token binding the agent's key (cnf.jwk).
  const agentToken = await mintAgentToken(
    { iss: 'https://agents.example', sub: 'aauth:assistant@agents.example', cnf: { jwk: agent.publicJwk } },
    { signer: provider.signer, kid: provider.kid },
  );

  // 3. The agent signs a request (RFC 9421 + Signature-Key: sig=jwt).
  const request = await signRequest(
    new Request('https://api.example/documents/42/summary?lang=en', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ length: 'short' }),
    }),
    { signer: agent.signer, signatureKey: { scheme: 'jwt', jwt: agentToken } },
  );
  log(`Signature-Input: ${request.headers.get('signature-input')}`);
  log(`Content-Digest:  ${request.headers.get('content-digest')}`);

  // 4. The resource verifies signature, token and key binding.
  const verifier = createRequestVerifier({
    accept: ['agent'],
    issuerKeys: { 'https://agents.example': provider.jwks },
  });
  const verified = await verifier.verify(request.clone());
  const agentId = String(verified.token?.claims.sub);
  log(`verified: ${agentId} signed ${verified.components.join(' ')}`);

  // 5. Any change to a covered part fails with a Signature-Error code.
  const tampered = new Request(request.url.replace('lang=en', 'lang=fr'), request.clone());
  let tamperedCode = 'accepted';
  try {
    await verifier.verify(tampered);
  } catch (error) {
    if (!(error instanceof SignatureVerificationError)) throw error;
    tamperedCode = error.signatureError;
  }
  log(`tampered query: rejected with ${tamperedCode}`);
  return { agent: agentId, tamperedCode };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
