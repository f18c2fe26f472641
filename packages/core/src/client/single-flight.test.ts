import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors.js';
import { SingleFlight } from './single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs one task for concurrent callers of the same key', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const gate = deferred<number>();
    const task = async () => {
      runs++;
      return gate.promise;
    };
    const all = Promise.all(Array.from({ length: 50 }, () => flights.run('k', task)));
    gate.resolve(42);
    expect(await all).toEqual(Array(50).fill(42));
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('does not cache failures: the next caller runs the task again', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    await expect(
      flights.run('k', async () => {
        runs++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(flights.run('k', async () => ++runs)).resolves.toBe(2);
  });

  it('lets one caller abort without failing the others, and aborts the task when all have left', async () => {
    const flights = new SingleFlight<string>();
    let taskSignal: AbortSignal | undefined;
    const gate = deferred<string>();
    const task = async (signal: AbortSignal) => {
      taskSignal = signal;
      return gate.promise;
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = flights.run('k', task, a.signal);
    const second = flights.run('k', task, b.signal);
    a.abort();
    await expect(first).rejects.toBeInstanceOf(AbortedError);
    expect(taskSignal?.aborted).toBe(false);
    b.abort();
    await expect(second).rejects.toBeInstanceOf(AbortedError);
    expect(taskSignal?.aborted).toBe(true);
    expect(flights.has('k')).toBe(false);
  });

  it('never aborts a task that a caller without a signal waits on', async () => {
    const flights = new SingleFlight<string>();
    let taskSignal: AbortSignal | undefined;
    const gate = deferred<string>();
    const task = async (signal: AbortSignal) => {
      taskSignal = signal;
      return gate.promise;
    };
    const a = new AbortController();
    const aborted = flights.run('k', task, a.signal);
    const patient = flights.run('k', task);
    a.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(taskSignal?.aborted).toBe(false);
    gate.resolve('done');
    await expect(patient).resolves.toBe('done');
  });
});
