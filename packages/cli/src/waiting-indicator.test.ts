import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatElapsed, startWaitingIndicator } from './waiting-indicator.js';

function sink() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('waiting indicator', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('formats elapsed time compactly', () => {
    expect(formatElapsed(999)).toBe('0s');
    expect(formatElapsed(7_200)).toBe('7s');
    expect(formatElapsed(125_000)).toBe('2m05s');
    expect(formatElapsed(3_720_000)).toBe('1h02m');
  });

  it('updates one line in place on a terminal, with the elapsed time', () => {
    const out = sink();
    const indicator = startWaitingIndicator({
      out,
      isTTY: true,
      message: 'waiting for the person',
      now: Date.now,
    });
    expect(out.text()).toBe('\r\x1b[2K⠋ waiting for the person… 0s  (Ctrl-C to stop)');
    vi.advanceTimersByTime(3000);
    expect(out.text().endsWith('\r\x1b[2K⠸ waiting for the person… 3s  (Ctrl-C to stop)')).toBe(true);
    expect(out.text()).not.toContain('\n');
    indicator.stop('✓ approved');
    expect(out.text().endsWith('\r\x1b[2K✓ approved\n')).toBe(true);
  });

  it('prints plain periodic lines when nobody watches a terminal', () => {
    const out = sink();
    const indicator = startWaitingIndicator({
      out,
      isTTY: false,
      message: 'waiting for the person',
      now: Date.now,
    });
    vi.advanceTimersByTime(31_000);
    expect(out.text()).toBe(
      '… waiting for the person (Ctrl-C to stop)\n… still waiting for the person (15s)\n… still waiting for the person (30s)\n',
    );
    indicator.stop();
    expect(out.text()).not.toContain('\x1b');
  });

  it('leaves no timer behind once stopped, and stopping twice is harmless', () => {
    const out = sink();
    const before = vi.getTimerCount();
    const indicator = startWaitingIndicator({ out, isTTY: true, message: 'waiting' });
    expect(vi.getTimerCount()).toBe(before + 1);
    indicator.stop();
    indicator.stop('ignored');
    expect(vi.getTimerCount()).toBe(before);
    expect(indicator.running).toBe(false);
    expect(out.text()).not.toContain('ignored');
  });

  it('prints other lines above the live line and redraws it', () => {
    const out = sink();
    const indicator = startWaitingIndicator({ out, isTTY: true, message: 'waiting', now: Date.now });
    indicator.log('→ poll GET https://ps.example/pending/1');
    expect(out.text()).toContain('\r\x1b[2K→ poll GET https://ps.example/pending/1\n\r\x1b[2K⠙ waiting… 0s');
    indicator.stop();
  });
});
