import { describe, expect, it } from 'vitest';
import { redactToken, redactTokens } from './redact.js';

const JWT =
  'eyJhbGciOiJFZDI1NTE5IiwidHlwIjoiYWEtcmVzb3VyY2Urand0In0.eyJpc3MiOiJodHRwczovL3IuZXhhbXBsZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

describe('token redaction', () => {
  it('keeps the first 8 characters and an ellipsis', () => {
    expect(redactToken(JWT)).toBe('eyJhbGci…');
    expect(redactToken('short')).toBe('…');
  });

  it('redacts every JWT inside a header value and leaves the rest', () => {
    const header = `requirement=auth-token;resource-token="${JWT}"`;
    expect(redactTokens(header)).toBe('requirement=auth-token;resource-token="eyJhbGci…"');
  });

  it('redacts long token68 runs but not URLs, host names or interaction codes', () => {
    const session = 'A'.repeat(50);
    expect(redactTokens(`Authorization: AAuth ${session}`)).toBe('Authorization: AAuth AAAAAAAA…');
    const url = 'https://agents.provider-example.example.com/pending/1mW5XlneOjcbyr_GK9l98g?code=ABCD-EFGH';
    expect(redactTokens(url)).toBe(url);
  });
});
