/**
 * The interaction URL (`GET /consent?code=...`) and the consent decision (`POST /consent`).
 *
 * Codes are correlation ids, never authorizations (P11 #interaction-code-format): the decision needs the
 * person's session (automatic in dev) and a CSRF token bound to that session and request. A code is
 * single use: the first session that opens it owns it, and it is spent by the decision. Unknown codes are
 * limited per client IP (429 beyond the limit) and, counted against the person, end every request
 * waiting for them with `invalid_code` after a few misses: someone is guessing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalizeInteractionCode, InvalidArgumentError } from '@aauth-kit/core';
import { DEFAULTS, MEDIA_TYPE, PROBLEM_CODE, PS_PATH } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import { clientAddress } from '../http/node-request.js';
import { sendHtml, sendProblem } from '../http/respond.js';
import type { RequestContext, Route } from '../http/router.js';
import type { PendingRecord } from '../store/types.js';
import { WindowCounter } from '../util/rate-limit.js';
import { renderConsentPage, renderInboxPage, renderMessagePage } from './consent-page.js';
import type { PendingRequests } from './pending-requests.js';
import { csrfToken, csrfTokenMatches, ensureSession, readSessionId } from './session.js';

/** Security headers of every HTML page: nothing loads from elsewhere, nothing frames it. */
function pageHeaders(nonce: string, setCookie: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  if (setCookie !== undefined) headers['set-cookie'] = setCookie;
  return headers;
}

/** Clients that ask for JSON get problem+json errors; browsers get pages. */
function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /application\/(problem\+)?json/.test(accept) && !accept.includes('text/html');
}

const nonce = (): string => randomBytes(16).toString('base64');

export interface ConsentEndpointOptions {
  ctx: DevServerContext;
  pending: PendingRequests;
}

export function createConsentRoutes({ ctx, pending }: ConsentEndpointOptions): Route[] {
  const ipMisses = new WindowCounter(DEFAULTS.codeMissWindowSeconds * 1000);
  let personMisses = 0;
  const personName = ctx.person.name;

  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    problem: HttpProblemError,
    page: { title: string; message: string },
    setCookie?: string,
  ): void {
    if (wantsJson(req)) {
      sendProblem(res, problem);
      return;
    }
    const n = nonce();
    sendHtml(res, problem.status, renderMessagePage(page.title, page.message, { personName, mark: '⚠' }, n), {
      ...pageHeaders(n, setCookie),
      ...problem.headers,
    });
  }

  function rateLimited(req: IncomingMessage): HttpProblemError | undefined {
    if (ipMisses.count(clientAddress(req), Date.now()) < DEFAULTS.maxCodeMissesPerIp) return undefined;
    return new HttpProblemError(
      429,
      PROBLEM_CODE.rateLimited,
      'too many unknown interaction codes from this client',
      {
        headers: { 'retry-after': String(DEFAULTS.codeMissWindowSeconds) },
      },
    );
  }

  /** An unknown code: counts against the client IP and the person. */
  async function miss(req: IncomingMessage): Promise<void> {
    ipMisses.hit(clientAddress(req), Date.now());
    personMisses += 1;
    if (personMisses >= DEFAULTS.maxCodeMisses) {
      personMisses = 0;
      await pending.failAwaiting(ctx.person.id, PROBLEM_CODE.invalidCode);
    }
  }

  const invalidCode = (detail: string): HttpProblemError =>
    new HttpProblemError(410, PROBLEM_CODE.invalidCode, detail);

  /** The record a code names, or undefined (malformed codes are unknown codes). */
  async function lookup(code: string): Promise<PendingRecord | undefined> {
    let key: string;
    try {
      key = canonicalizeInteractionCode(code);
    } catch (error) {
      if (error instanceof InvalidArgumentError) return undefined;
      throw error;
    }
    const record = await pending.store.getByCode(key);
    return record && record.person === ctx.person.id ? record : undefined;
  }

  async function show({ req, res, searchParams }: RequestContext): Promise<void> {
    const { sessionId, setCookie } = ensureSession(req);
    const limited = rateLimited(req);
    if (limited) {
      refuse(
        req,
        res,
        limited,
        { title: 'Too many attempts', message: 'Wait a few minutes and try again.' },
        setCookie,
      );
      return;
    }
    const code = searchParams.get('code');
    if (code === null || code.trim() === '') {
      const items = (await pending.store.list())
        .filter((record) => record.person === ctx.person.id && pending.awaitsPerson(record))
        .map((record) => ({
          code: record.code,
          resource: record.resource,
          agentId: record.agentId,
          kind: record.kind,
        }));
      const n = nonce();
      sendHtml(res, 200, renderInboxPage(personName, items, n), pageHeaders(n, setCookie));
      return;
    }
    const record = await lookup(code.slice(0, 64));
    if (!record) {
      await miss(req);
      refuse(
        req,
        res,
        invalidCode('unknown interaction code'),
        {
          title: 'Unknown code',
          message: 'This code does not match any request. Check the code your agent shows.',
        },
        setCookie,
      );
      return;
    }
    if (record.state === 'clarifying' && !pending.isExpired(record)) {
      const n = nonce();
      sendHtml(
        res,
        200,
        renderMessagePage(
          'The agent is answering a question',
          'The Person Server asked the agent to clarify its request. Reload this page in a moment.',
          { personName, mark: '…' },
          n,
        ),
        pageHeaders(n, setCookie),
      );
      return;
    }
    const opened = await pending.markInteracting(record.id, sessionId);
    if (!opened) {
      refuse(
        req,
        res,
        invalidCode('this code was already used or has expired'),
        {
          title: 'This code can no longer be used',
          message:
            'It was already used, opened in another browser, or the request expired. Ask your agent to start over.',
        },
        setCookie,
      );
      return;
    }
    const n = nonce();
    sendHtml(
      res,
      200,
      renderConsentPage(
        {
          kind: opened.kind,
          personName,
          code: opened.code,
          csrf: csrfToken(ctx.secret, sessionId, opened.id),
          agentId: opened.agentId,
          agentProvider: opened.agentProvider,
          resource: opened.resource,
          ...(opened.resourceName === undefined ? {} : { resourceName: opened.resourceName }),
          ...(opened.resourceDescription === undefined
            ? {}
            : { resourceDescription: opened.resourceDescription }),
          ...(opened.issue.scope === undefined ? {} : { scope: opened.issue.scope }),
          ...(opened.scopeDescriptions === undefined ? {} : { scopeDescriptions: opened.scopeDescriptions }),
          ...(opened.justification === undefined ? {} : { justification: opened.justification }),
          ...(opened.clarification === undefined ? {} : { clarification: opened.clarification }),
          expiresInSeconds: opened.expiresAt - ctx.now(),
        },
        n,
      ),
      pageHeaders(n, setCookie),
    );
  }

  async function decide({ req, res, body }: RequestContext): Promise<void> {
    const contentType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (contentType !== MEDIA_TYPE.form) {
      throw new HttpProblemError(
        415,
        PROBLEM_CODE.unsupportedMediaType,
        'the consent form is form-urlencoded',
      );
    }
    const form = new URLSearchParams(Buffer.from(await body()).toString('utf8'));
    const code = form.get('code') ?? '';
    const decision = form.get('decision');
    const given = form.get('csrf') ?? '';
    const sessionId = readSessionId(req);
    if (decision !== 'approve' && decision !== 'deny') {
      throw new HttpProblemError(400, PROBLEM_CODE.invalidRequest, 'decision must be approve or deny');
    }
    const limited = rateLimited(req);
    if (limited) throw limited;
    const record = await lookup(code.slice(0, 64));
    if (!record) {
      await miss(req);
      refuse(req, res, invalidCode('unknown interaction code'), {
        title: 'Unknown code',
        message: 'This code does not match any request.',
      });
      return;
    }
    if (sessionId === undefined || !csrfTokenMatches(ctx.secret, sessionId, record.id, given)) {
      refuse(
        req,
        res,
        new HttpProblemError(403, PROBLEM_CODE.invalidCsrfToken, 'the form is not from this session'),
        {
          title: 'This form has expired',
          message: 'Open the link from your agent again.',
        },
      );
      return;
    }
    const decided =
      record.sessionId === sessionId
        ? decision === 'approve'
          ? await pending.approve(record.id)
          : await pending.deny(record.id)
        : undefined;
    if (!decided) {
      refuse(req, res, invalidCode('this code was already used or has expired'), {
        title: 'This code can no longer be used',
        message: 'It was already used or the request expired. Ask your agent to start over.',
      });
      return;
    }
    personMisses = 0;
    const n = nonce();
    const approved = decided.state === 'approved';
    sendHtml(
      res,
      200,
      renderMessagePage(
        approved ? 'Approved' : decided.state === 'denied' ? 'Denied' : 'The request could not be completed',
        approved
          ? 'You can return to your agent: it receives its token on its next poll.'
          : decided.state === 'denied'
            ? 'The agent is told that you denied the request.'
            : 'The agent has to start over.',
        { personName, mark: approved ? '✓' : '✕' },
        n,
      ),
      pageHeaders(n, undefined),
    );
  }

  return [{ path: PS_PATH.consent, methods: { GET: show, POST: decide } }];
}
