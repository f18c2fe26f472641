import { describe, expect, it } from 'vitest';
import { concatBytes, readStreamWithLimit } from './read-stream.js';

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
}

class TooLarge extends Error {}

describe('readStreamWithLimit', () => {
  it('returns every byte of a stream within the limit', async () => {
    const bytes = await readStreamWithLimit(streamOf([1, 2], [3], [4, 5]), {
      limit: 5,
      tooLarge: () => new TooLarge(),
    });
    expect([...bytes]).toEqual([1, 2, 3, 4, 5]);
  });

  it('throws the caller error as soon as the stream passes the limit, and cancels it', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(4));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(
      readStreamWithLimit(stream, { limit: 10, tooLarge: () => new TooLarge() }),
    ).rejects.toBeInstanceOf(TooLarge);
    expect(cancelled).toBe(true);
  });

  it('stops with the caller abort error when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = new Error('aborted');
    await expect(
      readStreamWithLimit(streamOf([1]), {
        limit: 10,
        tooLarge: () => new TooLarge(),
        signal: controller.signal,
        aborted: () => aborted,
      }),
    ).rejects.toBe(aborted);
  });
});

describe('concatBytes', () => {
  it('joins chunks and returns a single chunk unchanged', () => {
    const one = new Uint8Array([7]);
    expect(concatBytes([one])).toBe(one);
    expect([...concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])])]).toEqual([1, 2, 3]);
  });
});
