import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { buildRequest, parseHeaderOption } from './request-options.js';

const noInput: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };
const input = (text: string): AsyncIterable<Uint8Array> => ({
  async *[Symbol.asyncIterator]() {
    yield new TextEncoder().encode(text);
  },
});

describe('fetch request options', () => {
  it('parses -H "Name: value" and refuses anything else', () => {
    expect(parseHeaderOption('Accept:  text/plain ')).toEqual(['Accept', 'text/plain']);
    expect(parseHeaderOption('X-Empty:')).toEqual(['X-Empty', '']);
    expect(() => parseHeaderOption('no colon')).toThrow(UsageError);
    expect(() => parseHeaderOption('bad name: x')).toThrow(/is not "Name: value"/);
  });

  it('defaults to GET without data and POST with JSON data', async () => {
    expect(await buildRequest({}, noInput)).toMatchObject({ method: 'GET' });
    const post = await buildRequest({ data: '{"a":1}' }, noInput);
    expect(post.method).toBe('POST');
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(new TextDecoder().decode(post.body)).toBe('{"a":1}');
  });

  it('reads @file and @- bodies and keeps a content-type given with -H', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aauth-cli-'));
    writeFileSync(join(dir, 'body.txt'), 'from a file');
    const fromFile = await buildRequest(
      { method: 'put', data: `@${join(dir, 'body.txt')}`, headers: ['Content-Type: text/plain'] },
      noInput,
    );
    expect(fromFile.method).toBe('PUT');
    expect(fromFile.headers.get('content-type')).toBe('text/plain');
    expect(new TextDecoder().decode(fromFile.body)).toBe('from a file');
    const fromStdin = await buildRequest({ data: '@-' }, input('{"b":2}'));
    expect(new TextDecoder().decode(fromStdin.body)).toBe('{"b":2}');
  });

  it('refuses a body on GET, a malformed method and a missing @file', async () => {
    await expect(buildRequest({ method: 'GET', data: '{}' }, noInput)).rejects.toThrow(
      'a GET request cannot carry -d data',
    );
    await expect(buildRequest({ method: 'NOT A METHOD' }, noInput)).rejects.toThrow(UsageError);
    await expect(buildRequest({ data: '@/nonexistent/body.json' }, noInput)).rejects.toThrow(
      'cannot read /nonexistent/body.json (no such file)',
    );
  });
});
