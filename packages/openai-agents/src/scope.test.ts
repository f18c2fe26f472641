import {
  type AAuthClient,
  ConsentDeniedError,
  ConsentRequiredError,
  type Interaction,
  NetworkError,
  type PendingConsent,
} from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { createScope, runInScope } from './scope.js';

/** A client whose fetch records what it was given and answers with `answer`. */
function recordingClient(answer: (init: RequestInit | undefined) => Promise<Response>) {
  const calls: { input: string | URL | Request; init: RequestInit | undefined }[] = [];
  const client = {
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      calls.push({ input, init });
      return answer(init);
    },
  } as unknown as AAuthClient;
  return { client, calls };
}

const interaction = { kind: 'approval', resource: 'https://r.example', scope: [] } as unknown as Interaction;

describe('call scope', () => {
  it("aborts the client's request when the call is aborted, and keeps the request's own signal", async () => {
    const { client, calls } = recordingClient(
      (init) =>
        new Promise((_resolve, reject) => {
          if (init?.signal?.aborted) reject(init.signal.reason);
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const call = new AbortController();
    const own = new AbortController();
    const scope = createScope(client, call.signal);
    const pending = scope.fetch('https://r.example/a', { signal: own.signal });
    call.abort(new TypeError('call cancelled'));
    await expect(pending).rejects.toThrow('call cancelled');
    expect(calls[0]?.init?.signal?.aborted).toBe(true);

    const second = createScope(client, new AbortController().signal).fetch(
      new Request('https://r.example/b', { signal: own.signal }),
    );
    own.abort(new TypeError('request cancelled'));
    await expect(second).rejects.toThrow('request cancelled');
  });

  it('passes init through untouched when the call has no signal', async () => {
    const { client, calls } = recordingClient(async () => new Response('ok'));
    const init = { method: 'POST', body: 'x' };
    await createScope(client, undefined).fetch('https://r.example/a', init);
    expect(calls[0]?.init).toBe(init);
  });

  it('records the consent errors the client raised (not other failures) and rethrows them', async () => {
    const required = new ConsentRequiredError(interaction, { id: 'pc_1' } as PendingConsent);
    const denied = new ConsentDeniedError('https://r.example', 'denied', 403);
    const failures: Error[] = [required, new NetworkError('down'), denied];
    const { client } = recordingClient(() => Promise.reject(failures.shift()));
    const scope = createScope(client, undefined);
    await expect(runInScope(scope, () => scope.fetch('https://r.example/1'))).rejects.toBe(required);
    await expect(scope.fetch('https://r.example/2')).rejects.toBeInstanceOf(NetworkError);
    await expect(scope.fetch('https://r.example/3')).rejects.toBe(denied);
    expect(scope.consentErrors).toEqual([required, denied]);
  });
});
