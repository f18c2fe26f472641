/** `Prefer: wait=N` (RFC 7240 §4.3), which agents send on token requests and polls (P11 #deferred-responses). */

/**
 * The `wait` preference in seconds, clamped to `max`; 0 when absent or malformed (a malformed preference
 * is ignored, as RFC 7240 asks).
 */
export function preferredWaitSeconds(prefer: string | readonly string[] | undefined, max: number): number {
  if (prefer === undefined) return 0;
  const values = typeof prefer === 'string' ? [prefer] : prefer;
  for (const value of values) {
    for (const preference of value.split(',')) {
      const [token] = preference.split(';', 1);
      const match = /^\s*wait\s*=\s*"?(\d{1,9})"?\s*$/i.exec(token ?? '');
      if (match) return Math.min(Number(match[1]), max);
    }
  }
  return 0;
}
