import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClarificationRequest,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  InteractionGoneError,
} from '../../packages/core/src/client/index.js';
import { AbortedError, generateKeyPair } from '../../packages/core/src/index.js';
import { claimsOf, type FakeWorld, fakeWorld } from './fake-world.js';
import { activeTimers, json } from './helpers.js';

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sigInput = (headers: Record<string, unknown>): string => String(headers['signature-input'] ?? '');
const sigKeyToken = (headers: Record<string, unknown>): string =>
  /jwt="([^"]+)"/.exec(String(headers['signature-key'] ?? ''))?.[1] ?? '';
const typOf = (jwt: string): unknown =>
  JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')).typ;

function pendingReply(origin: string, requirement?: string) {
  return json(
    202,
    { status: 'pending' },
    {
      location: `${origin}/pending/1`,
      'retry-after': '0',
      ...(requirement === undefined ? {} : { 'aauth-requirement': requirement }),
    },
  );
}

describe('agent client in a scripted three-party world', () => {
  it('goes agent token → person token → auth token → 200, covering the body, then stays warm', async () => {
    world = await fakeWorld();
    const response = await world.client.fetch(`${world.resource.origin}/files/1?v=2`, {
      method: 'POST',
      body: 'hi',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, body: 'hi' });
    expect(world.psRequests('/person-token')).toHaveLength(1);
    expect(world.psRequests('/token')).toHaveLength(1);
    const [first, second, third] = world.resource.requests;
    expect(typOf(sigKeyToken(first!.headers))).toBe('aa-agent+jwt');
    expect(typOf(sigKeyToken(second!.headers))).toBe('aa-person+jwt');
    expect(typOf(sigKeyToken(third!.headers))).toBe('aa-auth+jwt');
    expect(sigInput(third!.headers)).toContain('"content-digest"');
    expect(sigInput(third!.headers)).toContain('"@query"');
    expect(third!.headers['aauth-capabilities']).toBe('interaction');

    const personRequest = world.psRequests('/person-token')[0]!;
    expect(JSON.parse(personRequest.body)).toEqual({
      resource: world.resource.origin,
      capabilities: ['interaction'],
    });
    expect(sigInput(personRequest.headers)).toMatch(/"content-type" "content-digest"/);
    expect(personRequest.headers.prefer).toBe('wait=45');
    const authRequest = JSON.parse(world.psRequests('/token')[0]!.body) as Record<string, unknown>;
    expect(typOf(String(authRequest.resource_token))).toBe('aa-resource+jwt');
    expect(authRequest.presented_token).toBe(sigKeyToken(second!.headers));

    world.transport.reset();
    const warm = await world.client.fetch(`${world.resource.origin}/files/1?v=2`, {
      method: 'POST',
      body: 'again',
    });
    expect(warm.status).toBe(200);
    expect(world.transport.count()).toBe(1);
  });

  it('sends justification (static or per resource and scope) and forwards login_hint unchanged', async () => {
    const seen: Array<{ resource: string; scope: string[] }> = [];
    world = await fakeWorld({
      client: {
        justification: (ctx) => {
          seen.push(ctx);
          return 'Summarize the quarterly report';
        },
      },
    });
    await world.client.fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' });
    expect(seen).toEqual([{ resource: world.resource.origin, scope: ['files.write'] }]);
    expect(JSON.parse(world.psRequests('/token')[0]!.body).justification).toBe(
      'Summarize the quarterly report',
    );
  });

  it('stores the newest AAuth-Access session token and presents it with authorization covered', async () => {
    let issued = 0;
    world = await fakeWorld({
      resource: (request, verified) => {
        if (verified === undefined) return undefined;
        issued++;
        return json(
          200,
          { auth: request.headers.authorization ?? null },
          { 'aauth-access': `session-${issued}` },
        );
      },
    });
    const url = `${world.resource.origin}/me`;
    expect(await (await world.client.fetch(url)).json()).toEqual({ auth: null });
    expect(await (await world.client.fetch(url)).json()).toEqual({ auth: 'AAuth session-1' });
    expect(await (await world.client.fetch(url)).json()).toEqual({ auth: 'AAuth session-2' });
    const last = world.resource.requests.at(-1)!;
    expect(sigInput(last.headers)).toContain('"authorization"');
    expect(typOf(sigKeyToken(last.headers))).toBe('aa-agent+jwt');
  });

  it('leaves a caller-set Authorization header alone', async () => {
    world = await fakeWorld({
      resource: (request, verified) =>
        verified === undefined
          ? undefined
          : json(200, { auth: request.headers.authorization ?? null }, { 'aauth-access': 's1' }),
    });
    const url = `${world.resource.origin}/me`;
    await world.client.fetch(url);
    const response = await world.client.fetch(url, { headers: { authorization: 'Bearer mine' } });
    expect(await response.json()).toEqual({ auth: 'Bearer mine' });
  });

  it('handles 202 auth-token delivery: gets the auth token, then polls the held call with it', async () => {
    world = await fakeWorld({
      resource: async (request, verified, w) => {
        const token = verified?.token;
        if (request.path === '/held/1') {
          return token?.kind === 'auth'
            ? json(200, { executed: true })
            : json(401, {}, { 'signature-error': 'error=invalid_jwt' });
        }
        if (token?.kind === 'person') {
          const rt = await w.resourceToken({ jti: String(token.claims.jti), sub: String(token.claims.sub) });
          return json(
            202,
            { status: 'pending' },
            {
              'aauth-requirement': `requirement=auth-token; resource-token="${rt}"`,
              location: '/held/1',
              'retry-after': '0',
            },
          );
        }
        return undefined;
      },
    });
    const response = await world.client.fetch(`${world.resource.origin}/jobs`, {
      method: 'POST',
      body: 'go',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ executed: true });
    const poll = world.resource.requests.find((r) => r.path === '/held/1')!;
    expect(poll.method).toBe('GET');
    expect(typOf(sigKeyToken(poll.headers))).toBe('aa-auth+jwt');
  });

  it('returns a plain 202 (no AAuth-Requirement) untouched', async () => {
    world = await fakeWorld({
      resource: (_r, verified) => (verified ? json(202, { queued: true }) : undefined),
    });
    const response = await world.client.fetch(`${world.resource.origin}/notify`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ queued: true });
  });

  it('answers a clarification through onClarification and POSTs clarification_response', async () => {
    const asked: ClarificationRequest[] = [];
    let answered = false;
    world = await fakeWorld({
      client: {
        onClarification: async (request) => {
          asked.push(request);
          return 'Only the Q3 report';
        },
      },
      ps: async (request, w) => {
        if (request.path === '/token') {
          return json(
            202,
            { status: 'pending', clarification: 'Which **files**?', options: ['Q3', 'all'], timeout: 60 },
            {
              location: '/pending/1',
              'retry-after': '0',
              'aauth-requirement': 'requirement=clarification',
            },
          );
        }
        if (request.path === '/pending/1' && request.method === 'POST') {
          answered = true;
          return pendingReply(w.ps.origin);
        }
        if (request.path === '/pending/1' && answered) return json(200, { auth_token: await w.authToken() });
        return undefined;
      },
    });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`, {
      method: 'POST',
      body: 'x',
    });
    expect(response.status).toBe(200);
    expect(asked).toEqual([
      {
        question: 'Which **files**?',
        options: ['Q3', 'all'],
        timeoutSeconds: 60,
        resource: world.resource.origin,
      },
    ]);
    const post = world.ps.requests.find((r) => r.path === '/pending/1' && r.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({
      action: 'clarification_response',
      clarification_response: 'Only the Q3 report',
    });
    expect(sigInput(post.headers)).toContain('"content-digest"');
    expect(world.psRequests('/person-token')[0]!.body).toContain('clarification');
  });

  it('cancels with a signed DELETE when onClarification answers null', async () => {
    world = await fakeWorld({
      client: { onClarification: () => null },
      ps: (request) => {
        if (request.path === '/token') {
          return json(
            202,
            { status: 'pending', clarification: 'Why?' },
            {
              location: '/pending/1',
              'retry-after': '0',
              'aauth-requirement': 'requirement=clarification',
            },
          );
        }
        if (request.path === '/pending/1' && request.method === 'DELETE') return { status: 204 };
        return undefined;
      },
    });
    const error = await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeniedError);
    expect((error as ConsentDeniedError).error).toBe('cancelled');
    const del = world.ps.requests.find((r) => r.method === 'DELETE')!;
    expect(del.path).toBe('/pending/1');
    expect(sigInput(del.headers)).toContain('"@method"');
  });

  it.each([
    [403, 'abandoned', ConsentDeniedError],
    [408, 'expired', ConsentExpiredError],
    [410, 'invalid_code', InteractionGoneError],
  ])('maps a %i (%s) while polling to its typed error', async (status, code, type) => {
    world = await fakeWorld({
      ps: (request, w) => {
        if (request.path === '/token')
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="ABCD-1234"',
          );
        if (request.path === '/pending/1') return json(status, { error: code });
        return undefined;
      },
    });
    const error = await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(world.client.pendingConsent()).toBeUndefined();
  });

  it('stops prompting once the PS says interacting, and announces each distinct (url, code) once', async () => {
    const codes: string[] = [];
    let polls = 0;
    world = await fakeWorld({
      client: { minPollIntervalMs: 10, onInteraction: (i) => void codes.push(i.code!) },
      ps: async (request, w) => {
        if (request.path === '/token')
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="AAAA-1111"',
          );
        if (request.path !== '/pending/1') return undefined;
        polls++;
        if (polls === 1)
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="AAAA-1111"',
          );
        if (polls === 2)
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="BBBB-2222"',
          );
        if (polls === 3)
          return json(202, { status: 'interacting' }, { location: '/pending/1', 'retry-after': '0' });
        if (polls === 4)
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="CCCC-3333"',
          );
        return json(200, { auth_token: await w.authToken() });
      },
    });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`, {
      method: 'POST',
      body: 'x',
    });
    expect(response.status).toBe(200);
    expect(codes).toEqual(['AAAA-1111', 'BBBB-2222']);
  });

  it('aborting while waiting rejects within 100 ms, clears its timers, and keeps the consent for a re-run', async () => {
    const before = activeTimers();
    const controller = new AbortController();
    world = await fakeWorld({
      client: { preferWaitSeconds: 0, minPollIntervalMs: 5_000 },
      ps: (request, w) =>
        request.path === '/token' || request.path === '/pending/1'
          ? pendingReply(w.ps.origin, 'requirement=interaction; url="https://ps.example/i"; code="WXYZ-0000"')
          : undefined,
    });
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const error = await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(400);
    expect(world.client.pendingConsent(world.resource.origin)?.interaction?.code).toBe('WXYZ-0000');
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });

  it("'throw' mode: ConsentRequiredError, re-runs poll the remembered consent, then succeed", async () => {
    let approved = false;
    world = await fakeWorld({
      client: { consent: 'throw', minPollIntervalMs: 0 },
      ps: async (request, w) => {
        if (request.path === '/token')
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="KLMN-5678"',
          );
        if (request.path === '/pending/1')
          return approved ? json(200, { auth_token: await w.authToken() }) : pendingReply(w.ps.origin);
        return undefined;
      },
    });
    const call = () =>
      world!.client.fetch(`${world!.resource.origin}/files/1`, { method: 'POST', body: 'x' });
    const first = (await call().catch((e: unknown) => e)) as ConsentRequiredError;
    expect(first).toBeInstanceOf(ConsentRequiredError);
    expect(first.code).toBe('ERR_CONSENT_REQUIRED');
    expect(first.interaction.interactionUrl).toBe('https://ps.example/i?code=KLMN-5678');
    const second = (await call().catch((e: unknown) => e)) as ConsentRequiredError;
    expect(second.pending.id).toBe(first.pending.id);
    expect(world.psRequests('/token')).toHaveLength(1);
    expect(world.psRequests('/pending/1')).toHaveLength(1);
    expect(await world.client.pollConsentOnce(first.pending)).toEqual({ status: 'pending' });
    approved = true;
    const third = await call();
    expect(third.status).toBe(200);
    expect(world.psRequests('/token')).toHaveLength(1);
  });

  it('requestAuthorization returns the auth token, or authorizationRequired with a resumable pending', async () => {
    let approved = false;
    world = await fakeWorld({
      ps: async (request, w) => {
        if (request.path === '/token')
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="QRST-9999"',
          );
        if (request.path === '/pending/1')
          return approved ? json(200, { auth_token: await w.authToken() }) : pendingReply(w.ps.origin);
        return undefined;
      },
    });
    const personToken = await world.personToken();
    const claims = claimsOf(personToken);
    const resourceToken = await world.resourceToken({ jti: String(claims.jti), sub: String(claims.sub) });
    const first = await world.client.requestAuthorization({ resourceToken, presentedToken: personToken });
    expect(first).toMatchObject({
      authorizationRequired: true,
      interactionUrl: 'https://ps.example/i?code=QRST-9999',
      code: 'QRST-9999',
    });
    approved = true;
    const pending = 'pending' in first ? first.pending : undefined;
    const token = await world.client.waitForConsent(pending!);
    expect(typOf(token)).toBe('aa-auth+jwt');
  });

  it('re-signs once after invalid_signature and after clock_skew (using the Date header)', async () => {
    let rejections = 0;
    world = await fakeWorld({
      // The third request is signed 120 s ahead, which a real verifier would refuse: answer it as is.
      resource: (request) => {
        rejections++;
        if (rejections === 1) return json(401, {}, { 'signature-error': 'error=invalid_signature' });
        if (rejections === 2) {
          return json(
            401,
            {},
            { 'signature-error': 'error=clock_skew', date: new Date(Date.now() + 120_000).toUTCString() },
          );
        }
        return json(200, { created: /created=(\d+)/.exec(sigInput(request.headers))?.[1] });
      },
    });
    const response = await world.client.fetch(`${world.resource.origin}/x`);
    const { created } = (await response.json()) as { created: string };
    expect(Number(created)).toBeGreaterThan(Date.now() / 1000 + 100);
    expect(world.resource.requests).toHaveLength(3);
  });

  it('covers the components a resource asks for with invalid_input, and keeps covering them', async () => {
    world = await fakeWorld({
      resource: (request, verified) => {
        if (!verified) return undefined;
        if (!sigInput(request.headers).includes('"x-request-id"')) {
          return json(401, {}, { 'signature-error': 'error=invalid_input, required_input=("x-request-id")' });
        }
        return json(200, {});
      },
    });
    const url = `${world.resource.origin}/x`;
    expect((await world.client.fetch(url, { headers: { 'x-request-id': 'a' } })).status).toBe(200);
    world.transport.reset();
    expect((await world.client.fetch(url, { headers: { 'x-request-id': 'b' } })).status).toBe(200);
    expect(world.transport.count()).toBe(1);
  });

  it('refreshes the agent token once after expired_jwt', async () => {
    const tokens: string[] = [];
    world = await fakeWorld({
      resource: (request, verified) => {
        if (!verified) return undefined;
        tokens.push(sigKeyToken(request.headers));
        return tokens.length === 1
          ? json(401, {}, { 'signature-error': 'error=expired_jwt' })
          : json(200, {});
      },
    });
    expect((await world.client.fetch(`${world.resource.origin}/x`)).status).toBe(200);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(tokens[0]);
  });

  it('drops a revoked auth token and follows requirement=person-token', async () => {
    let revoked = false;
    world = await fakeWorld({
      resource: (_request, verified) => {
        if (revoked && verified?.token?.kind === 'auth') {
          revoked = false;
          return json(
            401,
            {},
            { 'signature-error': 'error=revoked_jwt', 'aauth-requirement': 'requirement=person-token' },
          );
        }
        return undefined;
      },
    });
    const url = `${world.resource.origin}/files/1`;
    expect((await world.client.fetch(url, { method: 'POST', body: 'a' })).status).toBe(200);
    revoked = true;
    expect((await world.client.fetch(url, { method: 'POST', body: 'b' })).status).toBe(200);
    expect(world.psRequests('/token')).toHaveLength(2);
  });

  it('refreshes expired tokens top-down when the clock passes the refresh margin', async () => {
    let clock = Date.now() / 1000;
    world = await fakeWorld({ now: () => clock });
    const url = `${world.resource.origin}/files/1`;
    expect((await world.client.fetch(url, { method: 'POST', body: 'a' })).status).toBe(200);
    world.transport.reset();
    clock += 3600 - 250; // every token is inside its 5-minute margin now
    expect((await world.client.fetch(url, { method: 'POST', body: 'b' })).status).toBe(200);
    expect(world.psRequests('/person-token')).toHaveLength(2);
    expect(world.psRequests('/token')).toHaveLength(2);
    const tokensSent = world.resource.requests.slice(-3).map((r) => typOf(sigKeyToken(r.headers)));
    expect(tokensSent).toEqual(['aa-agent+jwt', 'aa-person+jwt', 'aa-auth+jwt']);
  });

  it('never presents tokens bound to a rotated key', async () => {
    let current = await generateKeyPair();
    const next = await generateKeyPair();
    const signer = {
      get alg() {
        return current.signer.alg;
      },
      get publicJwk() {
        return current.signer.publicJwk;
      },
      sign: (data: Uint8Array) => current.signer.sign(data),
    };
    world = await fakeWorld({ client: { signer } });
    // fakeWorld mints person/auth tokens for its own agentKey: point it at the rotating key.
    Object.assign(world.agentKey, current);
    const url = `${world.resource.origin}/files/1`;
    expect((await world.client.fetch(url, { method: 'POST', body: 'a' })).status).toBe(200);
    current = next;
    Object.assign(world.agentKey, next);
    world.resource.requests.length = 0;
    expect((await world.client.fetch(url, { method: 'POST', body: 'b' })).status).toBe(200);
    expect(typOf(sigKeyToken(world.resource.requests[0]!.headers))).toBe('aa-agent+jwt');
    expect(world.psRequests('/person-token')).toHaveLength(2);
    expect(world.psRequests('/token')).toHaveLength(2);
  });

  it("'throw' mode answers a clarification itself before reporting the consent the person must give", async () => {
    let answered = false;
    world = await fakeWorld({
      client: { consent: 'throw', onClarification: () => 'Because' },
      ps: (request, w) => {
        if (request.path === '/token') {
          return json(
            202,
            { status: 'pending', clarification: 'Why?' },
            {
              location: '/pending/1',
              'retry-after': '0',
              'aauth-requirement': 'requirement=clarification',
            },
          );
        }
        if (request.path === '/pending/1' && request.method === 'POST') {
          answered = true;
          return pendingReply(
            w.ps.origin,
            'requirement=interaction; url="https://ps.example/i"; code="CLAR-0001"',
          );
        }
        return undefined;
      },
    });
    const error = (await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' })
      .catch((e: unknown) => e)) as ConsentRequiredError;
    expect(answered).toBe(true);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect(error.interaction.code).toBe('CLAR-0001');
    expect(world.psRequests('/pending/1').filter((r) => r.method === 'GET')).toHaveLength(0);
  });
});
