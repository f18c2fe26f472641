/**
 * The dev person's browser session on the Person Server origin. DEVELOPMENT ONLY: whoever opens a page
 * of the dev Person Server is signed in as the dev person automatically (a cookie is set on first
 * visit); a real Person Server authenticates the person here. CSRF tokens bind a consent form to the
 * session and the pending request it was rendered for.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../constants.js';
import { randomId } from '../util/random.js';

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

/** The session id in the request's cookie, when it carries a well-formed one. */
export function readSessionId(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (SESSION_ID.test(value)) return value;
  }
  return undefined;
}

/** The request's session, or a new one plus the `Set-Cookie` that starts it. */
export function ensureSession(req: IncomingMessage): { sessionId: string; setCookie?: string } {
  const existing = readSessionId(req);
  if (existing !== undefined) return { sessionId: existing };
  const sessionId = randomId();
  return {
    sessionId,
    setCookie: `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Strict`,
  };
}

export function csrfToken(secret: Uint8Array, sessionId: string, pendingId: string): string {
  return createHmac('sha256', secret).update(`csrf\u0000${sessionId}\u0000${pendingId}`).digest('base64url');
}

export function csrfTokenMatches(
  secret: Uint8Array,
  sessionId: string,
  pendingId: string,
  given: string,
): boolean {
  const expected = Buffer.from(csrfToken(secret, sessionId, pendingId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
