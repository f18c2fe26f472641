import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/io.js';
import {
  AGENT_ID,
  ISSUER,
  type SignedRequestFixture,
  signedRequest,
  toRawHttp,
} from '../__fixtures__/signed-request.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

interface Files {
  request: string;
  jwks: string;
}

function write(fixture: SignedRequestFixture, request: unknown = fixture.request): Files {
  const dir = mkdtempSync(join(tmpdir(), 'aauth-cli-verify-'));
  const files = { request: join(dir, 'request.json'), jwks: join(dir, 'ap.jwks.json') };
  writeFileSync(files.request, typeof request === 'string' ? request : JSON.stringify(request));
  writeFileSync(files.jwks, JSON.stringify(fixture.jwks));
  return files;
}

async function verify(files: Files, ...extra: string[]) {
  const io = captureIo();
  const code = await run(
    ['verify', '--request', files.request, '--issuer-jwks', `${ISSUER}=${files.jwks}`, ...extra],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('aauth-kit verify', () => {
  it('accepts a good request and says who signed it', async () => {
    const fixture = await signedRequest();
    const result = await verify(write(fixture));
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/^valid: signed by Ed25519 key [A-Za-z0-9_-]{43}\n/);
    expect(result.out).toContain(
      '  covered: "@method" "@authority" "@path" "@query" "signature-key" "content-type" "content-digest"\n',
    );
    expect(result.out).toContain(`  token: agent token (aa-agent+jwt) from ${ISSUER}, sub ${AGENT_ID}\n`);
    expect(result.err).toBe('');
  });

  it('reads the raw HTTP/1.1 form from standard input', async () => {
    const fixture = await signedRequest();
    const files = write(fixture);
    const io = captureIo({ stdin: toRawHttp(fixture.request) });
    const code = await run(['verify', '--request', '-', '--issuer-jwks', `${ISSUER}=${files.jwks}`], io);
    expect(io.out()).toMatch(/^valid: /);
    expect(code).toBe(EXIT.ok);
  });

  it('refuses a tampered body with the reason and invalid_signature', async () => {
    const fixture = await signedRequest();
    const result = await verify(write(fixture, { ...fixture.request, body: '{"text":"HELLO"}' }));
    expect(result.code).toBe(EXIT.refused);
    expect(result.out).toBe(
      'invalid: Content-Digest does not match the body\n' +
        '  why: the signature does not match the request: something covered (method, authority, path, query, a header or the body) changed after signing, another key signed it, or the Signature / Signature-Input headers are malformed\n' +
        '  Signature-Error: error=invalid_signature\n',
    );
  });

  it('refuses a request sent to another path', async () => {
    const fixture = await signedRequest();
    const result = await verify(
      write(fixture, { ...fixture.request, url: 'https://api.example/admin?draft=1' }),
    );
    expect(result.code).toBe(EXIT.refused);
    expect(result.out).toMatch(/^invalid: signature does not verify\n/);
    expect(result.out).toContain('Signature-Error: error=invalid_signature');
  });

  it('names the components a body needs covered (invalid_input, required_input)', async () => {
    const fixture = await signedRequest({ body: null });
    const withBody = {
      ...fixture.request,
      headers: { ...fixture.request.headers, 'content-type': 'text/plain' },
      body: 'added later',
    };
    const result = await verify(write(fixture, withBody));
    expect(result.code).toBe(EXIT.refused);
    expect(result.out).toContain('  required_input: content-type content-digest\n');
    expect(result.out).toContain(
      '  Signature-Error: error=invalid_input, required_input=("content-type" "content-digest")\n',
    );
  });

  it('checks time with --now: a signature from the future is clock skew', async () => {
    const fixture = await signedRequest();
    const result = await verify(write(fixture), '--now', String(fixture.created - 3600));
    expect(result.code).toBe(EXIT.refused);
    expect(result.out).toContain('Signature-Error: error=clock_skew');
    expect(result.out).toContain('--now <its created time>');
  });

  it('reports a token kind not accepted, a token signed by another key, and an unknown kid', async () => {
    const fixture = await signedRequest();
    const files = write(fixture);
    const wrongKind = await verify(files, '--accept', 'auth');
    expect(wrongKind.code).toBe(EXIT.refused);
    expect(wrongKind.out).toContain('Signature-Error: error=invalid_jwt');

    const other = (await signedRequest()).jwks as { keys: Record<string, unknown>[] };
    writeFileSync(files.jwks, JSON.stringify(other)); // same kid, another key
    const forged = await verify(files);
    expect(forged.code).toBe(EXIT.refused);
    expect(forged.out).toContain('invalid: JWT signature does not verify\n');
    expect(forged.out).toContain('  claim: signature\n  Signature-Error: error=invalid_jwt\n');

    writeFileSync(files.jwks, JSON.stringify({ keys: [{ ...other.keys[0], kid: 'ap-2' }] }));
    const unknown = await verify(files);
    expect(unknown.code).toBe(EXIT.refused);
    expect(unknown.out).toContain('Signature-Error: error=unknown_key');
    expect(unknown.out).toContain("the token issuer's published keys do not contain");
  });

  it('prints JSON for scripts', async () => {
    const fixture = await signedRequest();
    const files = write(fixture);
    const good = JSON.parse((await verify(files, '--json')).out) as Record<string, unknown>;
    expect(good).toMatchObject({ valid: true, label: 'sig', scheme: 'jwt', token: { kind: 'agent' } });
    writeFileSync(files.request, JSON.stringify({ ...fixture.request, body: 'x' }));
    const bad = await verify(files, '--json');
    expect(bad.code).toBe(EXIT.refused);
    expect(JSON.parse(bad.out)).toMatchObject({
      valid: false,
      signature_error: 'invalid_signature',
      signature_error_header: 'error=invalid_signature',
    });
  });

  it('treats malformed options and input as usage errors', async () => {
    const fixture = await signedRequest();
    const files = write(fixture);
    const noRequest = captureIo();
    expect(await run(['verify'], noRequest)).toBe(EXIT.usage);
    expect(noRequest.err()).toContain('missing --request');
    const badPin = captureIo();
    expect(await run(['verify', '--request', files.request, '--issuer-jwks', 'nofile'], badPin)).toBe(
      EXIT.usage,
    );
    expect(badPin.err()).toContain('is not <issuer>=<file>');
    const garbage = write(fixture, 'hello there');
    const io = captureIo();
    expect(await run(['verify', '--request', garbage.request], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('captured request: the first line is not "METHOD target HTTP/1.1"');
  });
});
