/**
 * Reads a byte stream to the end, refusing to buffer more than `limit` bytes. Used wherever exact body
 * bytes are needed (Content-Digest, re-sending a body after a challenge, protocol answers) and a peer
 * must not be able to make us buffer without bound.
 */
export interface ReadStreamOptions {
  /** Largest number of bytes accepted. */
  limit: number;
  /** The error thrown when the stream is longer than `limit` (the caller's domain error). */
  tooLarge: () => Error;
  /** Checked before every read; its error is thrown as is. */
  signal?: AbortSignal;
  /** The error thrown when `signal` is aborted (default: the signal's reason). */
  aborted?: () => Error;
  /**
   * Await the cancel of an over-long stream (default true). A tee'd branch (a `Request.clone()`) settles
   * its cancel only once the other branch is cancelled too, so readers of clones pass false.
   */
  awaitCancel?: boolean;
}

export async function readStreamWithLimit(
  stream: ReadableStream<Uint8Array>,
  options: ReadStreamOptions,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      if (options.signal?.aborted) throw options.aborted ? options.aborted() : options.signal.reason;
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > options.limit) throw options.tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    const cancelled = reader.cancel().catch(() => undefined);
    if (options.awaitCancel !== false) await cancelled;
    throw error;
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks, total);
}

/** Joins chunks into one array (no copy for a single chunk). */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const size = total ?? chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
