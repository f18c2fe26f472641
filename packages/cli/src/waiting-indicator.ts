/**
 * The "waiting for the person" indicator shown while consent is pending: on a terminal one line that
 * updates in place (spinner + elapsed time); elsewhere (logs, CI) a plain line now and then. Its timer is
 * unref'd and cleared by `stop()`, so it never keeps the process alive or outlives the wait.
 */
import type { TextSink } from './io.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

export interface WaitingIndicatorOptions {
  out: TextSink;
  /** Update one line in place (a person is watching) instead of printing periodic lines. */
  isTTY: boolean;
  /** What is awaited, e.g. "waiting for approval". */
  message: string;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /** Refresh period on a terminal (default 1 s). */
  ttyIntervalMs?: number;
  /** Period of the plain "still waiting" lines (default 15 s). */
  plainIntervalMs?: number;
}

export interface WaitingIndicator {
  /** Prints a line above the live line (which is redrawn), so other output never tangles with it. */
  log(line: string): void;
  /** Milliseconds since the wait began. */
  elapsedMs(): number;
  /** Stops the timer and clears the live line; prints `finalLine` when given. Idempotent. */
  stop(finalLine?: string): void;
  readonly running: boolean;
}

/** `7s`, `2m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function startWaitingIndicator(options: WaitingIndicatorOptions): WaitingIndicator {
  const now = options.now ?? Date.now;
  const started = now();
  const { out, message } = options;
  let frame = 0;
  let running = true;

  const render = (): void => {
    const elapsed = formatElapsed(now() - started);
    if (options.isTTY) {
      out.write(`${CLEAR_LINE}${SPINNER[frame % SPINNER.length]} ${message}… ${elapsed}  (Ctrl-C to stop)`);
      frame += 1;
    } else {
      out.write(`… still ${message} (${elapsed})\n`);
    }
  };

  if (options.isTTY) render();
  else out.write(`… ${message} (Ctrl-C to stop)\n`);
  const period = options.isTTY ? (options.ttyIntervalMs ?? 1000) : (options.plainIntervalMs ?? 15_000);
  const timer = setInterval(render, period);
  timer.unref();

  return {
    get running() {
      return running;
    },
    log(line) {
      if (running && options.isTTY) {
        out.write(`${CLEAR_LINE}${line}\n`);
        render();
      } else {
        out.write(`${line}\n`);
      }
    },
    elapsedMs: () => now() - started,
    stop(finalLine) {
      if (!running) return;
      running = false;
      clearInterval(timer);
      if (options.isTTY) out.write(CLEAR_LINE);
      if (finalLine !== undefined) out.write(`${finalLine}\n`);
    },
  };
}
