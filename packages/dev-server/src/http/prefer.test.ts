import { describe, expect, it } from 'vitest';
import { preferredWaitSeconds } from './prefer.js';

describe('preferredWaitSeconds', () => {
  it('reads wait=N among other preferences and clamps it', () => {
    expect(preferredWaitSeconds('wait=10', 30)).toBe(10);
    expect(preferredWaitSeconds('respond-async, wait=45', 30)).toBe(30);
    expect(preferredWaitSeconds(['return=minimal', 'WAIT = 5'], 30)).toBe(5);
  });

  it('ignores absent and malformed preferences', () => {
    expect(preferredWaitSeconds(undefined, 30)).toBe(0);
    expect(preferredWaitSeconds('wait=-1', 30)).toBe(0);
    expect(preferredWaitSeconds('wait=soon', 30)).toBe(0);
    expect(preferredWaitSeconds('wait=99999999999', 30)).toBe(0);
  });
});
