import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from './deadline.js';

describe('deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires when the time limit passes, and says it expired', () => {
    const deadline = createDeadline(undefined, 1000);
    vi.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(true);
    deadline.dispose();
  });

  it("fires with the parent's abort, without counting as expired", () => {
    const parent = new AbortController();
    const deadline = createDeadline(parent.signal, 1000);
    parent.abort();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(false);
    deadline.dispose();
    expect(createDeadline(parent.signal, undefined).signal.aborted).toBe(true);
  });

  it('leaves no timer and no listener once disposed', () => {
    const parent = new AbortController();
    const before = vi.getTimerCount();
    const deadline = createDeadline(parent.signal, 5000);
    expect(vi.getTimerCount()).toBe(before + 1);
    deadline.dispose();
    expect(vi.getTimerCount()).toBe(before);
    parent.abort();
    expect(deadline.signal.aborted).toBe(false);
  });
});
