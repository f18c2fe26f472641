/**
 * Tokens never reach the terminal in full: anything token-shaped (a JWT, a long token68 run) is cut to
 * its first 8 characters and an ellipsis, enough to tell tokens apart and useless to replay.
 */

const VISIBLE = 8;

/**
 * A compact JWS/JWT (its JSON header always encodes to `eyJ…`, so host names never match), or a run of
 * 40+ base64/base64url characters (session tokens, raw keys).
 */
const TOKEN_SHAPED = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|[A-Za-z0-9+/_-]{40,}={0,2}/g;

/** `eyJhbGci…` */
export function redactToken(token: string): string {
  return token.length <= VISIBLE ? '…' : `${token.slice(0, VISIBLE)}…`;
}

/** Every token-shaped run of `text`, redacted. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_SHAPED, redactToken);
}
