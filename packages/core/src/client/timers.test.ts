import { describe, expect, it } from 'vitest';
import { AbortedError, TimeoutError } from '../errors.js';
import { raceAbort, sleep, timedSignal } from './timers.js';

/** Live timers of this process (node lists one 'Timeout' per scheduled timer). */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with AbortedError within a few ms of the abort and clears its timer', async () => {
    const before = activeTimers();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(100);
    expect(activeTimers()).toBe(before);
  });

  it('rejects at once for an already aborted signal', async () => {
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('timedSignal', () => {
  it('aborts with a TimeoutError after the timeout and reports timedOut', async () => {
    const timed = timedSignal(undefined, 10);
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve));
    expect(timed.timedOut).toBe(true);
    expect(timed.signal.reason).toBeInstanceOf(TimeoutError);
    timed.dispose();
  });

  it('follows the parent signal without reporting a timeout', () => {
    const parent = new AbortController();
    const timed = timedSignal(parent.signal, 60_000);
    parent.abort('stop');
    expect(timed.signal.aborted).toBe(true);
    expect(timed.timedOut).toBe(false);
    timed.dispose();
  });

  it('leaves no timer behind once disposed', () => {
    const before = activeTimers();
    const timed = timedSignal(undefined, 60_000);
    expect(activeTimers()).toBe(before + 1);
    timed.dispose();
    expect(activeTimers()).toBe(before);
  });
});

describe('raceAbort', () => {
  it('rejects when the signal fires before a never-settling promise', async () => {
    const controller = new AbortController();
    const race = raceAbort(new Promise(() => undefined), controller.signal);
    controller.abort();
    await expect(race).rejects.toBeInstanceOf(AbortedError);
  });

  it('passes the value through when the promise wins', async () => {
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});
