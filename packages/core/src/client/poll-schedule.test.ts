import { describe, expect, it } from 'vitest';
import { PollSchedule, parseRetryAfter } from './poll-schedule.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', 0)).toBe(0);
    expect(parseRetryAfter(' 7 ', 0)).toBe(7000);
  });

  it('reads an HTTP-date relative to now and never goes negative', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
  });

  it('ignores absent and malformed values', () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('-1', 0)).toBeUndefined();
    expect(parseRetryAfter('1.5', 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('PollSchedule', () => {
  const far = 10_000_000;

  it('waits the initial Retry-After, defaulting to 5 s', () => {
    expect(new PollSchedule(0).delay(0, far)).toBe(0);
    expect(new PollSchedule(2000).delay(0, far)).toBe(2000);
    expect(new PollSchedule(undefined).delay(0, far)).toBe(5000);
  });

  it('follows the latest Retry-After of a 202 and defaults to 5 s when it is missing', () => {
    const schedule = new PollSchedule(0, { minIntervalMs: 0 });
    schedule.pending(3000);
    expect(schedule.delay(0, far)).toBe(3000);
    schedule.pending(undefined);
    expect(schedule.delay(0, far)).toBe(5000);
  });

  it('adds 5 s per 429 and keeps the penalty for later polls', () => {
    const schedule = new PollSchedule(1000, { minIntervalMs: 0 });
    schedule.slowDown(undefined);
    expect(schedule.delay(0, far)).toBe(6000);
    schedule.slowDown(undefined);
    expect(schedule.delay(0, far)).toBe(11_000);
    schedule.pending(1000);
    expect(schedule.delay(0, far)).toBe(11_000);
  });

  it('honours a 429 Retry-After longer than the accumulated interval', () => {
    const schedule = new PollSchedule(1000, { minIntervalMs: 0 });
    schedule.slowDown(20_000);
    expect(schedule.delay(0, far)).toBe(20_000);
  });

  it('never polls the same URL twice within the minimum interval', () => {
    const schedule = new PollSchedule(0, { minIntervalMs: 1000 });
    schedule.pollStarted(100);
    expect(schedule.delay(300, far)).toBe(800);
    expect(schedule.delay(1500, far)).toBe(0);
  });

  it('caps the interval at maxIntervalMs and at the deadline', () => {
    const schedule = new PollSchedule(120_000, { maxIntervalMs: 30_000 });
    expect(schedule.delay(0, far)).toBe(30_000);
    expect(schedule.delay(0, 4000)).toBe(4000);
    expect(schedule.delay(5000, 4000)).toBe(0);
  });

  it('allows an unscheduled poll only after the minimum interval plus any slow-down', () => {
    const schedule = new PollSchedule(0, { minIntervalMs: 1000 });
    expect(schedule.mayPollNow(0)).toBe(true);
    schedule.pollStarted(0);
    expect(schedule.mayPollNow(999)).toBe(false);
    expect(schedule.mayPollNow(1000)).toBe(true);
    schedule.slowDown(undefined);
    expect(schedule.mayPollNow(5999)).toBe(false);
    expect(schedule.mayPollNow(6000)).toBe(true);
  });
});

describe('PollSchedule startedAt', () => {
  it('counts the answer that made the request pending as the last poll', () => {
    const schedule = new PollSchedule(0, { minIntervalMs: 1_000, startedAt: 10_000 });
    expect(schedule.mayPollNow(10_200)).toBe(false);
    expect(schedule.mayPollNow(11_000)).toBe(true);
    expect(schedule.delay(10_000, 100_000)).toBe(1_000);
  });
});
