/** The CLI's version, read from its package.json (one level above both src/ and dist/). */
import { readFileSync } from 'node:fs';

export function cliVersion(): string {
  try {
    const json: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const version = (json as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
