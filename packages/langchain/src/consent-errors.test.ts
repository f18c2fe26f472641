import {
  type AAuthClient,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  type Interaction,
  InteractionGoneError,
  type PendingConsent,
} from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { consentDeclinedBy, consentNeededBy, describeDeclined } from './consent-errors.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=C0DE',
  url: 'https://ps.example/consent',
  code: 'C0DE',
  resource: 'https://mcp.example',
  scope: ['tools.call'],
  expiresAt: 2_000,
  server: 'person-server',
  pendingId: 'pc_1',
};
const pending: PendingConsent = {
  id: 'pc_1',
  kind: 'auth-token',
  resource: 'https://mcp.example',
  scope: ['tools.call'],
  pollUrl: 'https://ps.example/pending/1',
  interaction,
  createdAt: 1_000,
  expiresAt: 2_000,
  status: 'pending',
};

/** A stand-in for the client's pending-consent lookup: the only client method these functions read. */
function clientWith(
  byResource: Record<string, PendingConsent>,
  asked: (string | undefined)[] = [],
): AAuthClient {
  return {
    pendingConsent: (resource?: string | URL) => {
      asked.push(resource === undefined ? undefined : String(resource));
      return resource === undefined ? Object.values(byResource).at(-1) : byResource[String(resource)];
    },
  } as unknown as AAuthClient;
}

describe('consentNeededBy', () => {
  it('takes the consent from a ConsentRequiredError, also when wrapped as a cause', () => {
    const error = new ConsentRequiredError(interaction, pending);
    const client = clientWith({});
    expect(consentNeededBy(error, client, undefined)).toEqual({ interaction, pending });
    const wrapped = new Error('tool failed', { cause: new Error('inner', { cause: error }) });
    expect(consentNeededBy(wrapped, client, undefined)?.pending.id).toBe('pc_1');
  });

  it("recovers the consent an MCP ToolException dropped from the client's pending state, for the given resource", () => {
    const asked: (string | undefined)[] = [];
    const client = clientWith({ 'https://mcp.example': pending }, asked);
    // What @langchain/mcp-adapters throws (its ToolException is not exported): the text, no cause.
    const flattened = Object.assign(
      new Error('Error calling tool whoami: McpError: MCP error -32042: AAuth: user consent required'),
      { name: 'ToolException' },
    );
    expect(consentNeededBy(flattened, client, 'https://mcp.example')).toEqual({ interaction, pending });
    expect(asked).toEqual(['https://mcp.example']);
  });

  it('recognizes an MCP error object by its -32042 code', () => {
    const client = clientWith({ 'https://mcp.example': pending });
    const mcpError = Object.assign(new Error('URL elicitation required'), { code: -32042 });
    expect(consentNeededBy(mcpError, client, undefined)?.pending.id).toBe('pc_1');
  });

  it('gives an approval-only interaction when the pending consent has none yet', () => {
    const client = clientWith({ 'https://mcp.example': { ...pending, interaction: undefined } });
    const needed = consentNeededBy(new Error('MCP error -32042: consent'), client, undefined);
    expect(needed?.interaction).toEqual({
      kind: 'approval',
      resource: 'https://mcp.example',
      scope: ['tools.call'],
      expiresAt: 2_000,
      server: 'person-server',
      pendingId: 'pc_1',
    });
  });

  it('ignores unrelated errors, and consent mentions with nothing pending', () => {
    const client = clientWith({});
    expect(consentNeededBy(new RangeError('boom'), client, undefined)).toBeUndefined();
    expect(consentNeededBy(new Error('MCP error -32042: x'), client, undefined)).toBeUndefined();
    expect(
      consentNeededBy(new Error('MCP error -320421'), clientWith({ a: pending }), undefined),
    ).toBeUndefined();
    expect(consentNeededBy(undefined, client, undefined)).toBeUndefined();
  });

  it('stops on a cyclic cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(consentNeededBy(a, clientWith({}), undefined)).toBeUndefined();
  });
});

describe('consentDeclinedBy', () => {
  it('maps denial, expiry and a gone request to declined outcomes', () => {
    expect(consentDeclinedBy(new ConsentDeniedError('https://api.example', 'denied', 403))).toEqual({
      reason: 'denied',
      resource: 'https://api.example',
      scope: [],
      error: 'denied',
    });
    expect(consentDeclinedBy(new ConsentExpiredError('https://api.example'))).toMatchObject({
      reason: 'expired',
      error: 'expired',
    });
    expect(
      consentDeclinedBy(new InteractionGoneError('https://api.example', { error: 'invalid_code' })),
    ).toMatchObject({ reason: 'gone', error: 'invalid_code' });
    expect(consentDeclinedBy(new RangeError('x'))).toBeUndefined();
  });

  it('reads the outcome back from a message a framework flattened the error into', () => {
    const flatten = (error: Error) =>
      Object.assign(new Error(`Error calling tool t: ${String(error)}`), { name: 'ToolException' });
    const resource = 'http://localhost:4242';
    expect(
      consentDeclinedBy(flatten(new ConsentDeniedError(resource, 'denied', 403, { detail: 'no' }))),
    ).toEqual({ reason: 'denied', resource, scope: [], error: 'denied' });
    expect(consentDeclinedBy(flatten(new ConsentExpiredError(resource)))).toEqual({
      reason: 'expired',
      resource,
      scope: [],
      error: 'expired',
    });
    expect(consentDeclinedBy(flatten(new InteractionGoneError(resource, { error: 'invalid_code' })))).toEqual(
      {
        reason: 'gone',
        resource,
        scope: [],
        error: 'invalid_code',
      },
    );
    expect(consentDeclinedBy(new Error('Error calling tool t: consent for x ended: denied'))).toBeUndefined();
  });

  it('describes each outcome in words a model can act on', () => {
    const base = { resource: 'https://api.example', scope: ['a', 'b'] };
    expect(describeDeclined({ ...base, reason: 'declined' })).toBe(
      'Access to https://api.example (scope: a b) was not granted: the user declined the consent request. Do not call this tool again for it unless the user asks you to.',
    );
    expect(describeDeclined({ ...base, scope: [], reason: 'denied', error: 'revoked' })).toContain(
      'was denied (revoked)',
    );
    expect(describeDeclined({ ...base, reason: 'expired' })).toContain(
      'Calling the tool again asks the user again',
    );
    expect(describeDeclined({ ...base, reason: 'gone' })).toContain('no longer exists (gone)');
  });
});
