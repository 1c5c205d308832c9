// Progress while the model trains: a redrawn bar on a terminal, plain lines otherwise.

export interface Progress {
  /** A task of `total` units begins. */
  start(label: string, total: number): void;
  /** `done` of `total` units finished; `detail` is shown beside the bar. */
  update(done: number, detail: string): void;
  /** The task ended; `line` is what stays on screen. */
  finish(line: string): void;
}

export interface Output {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A bar redrawn in place on a TTY (at most ~20 times a second); on anything else, one line per task. */
export function progressOn(out: Output): Progress {
  if (!out.isTTY) return { start() {}, update() {}, finish: (line) => void out.write(`${line}\n`) };
  let label = "",
    total = 1,
    last = 0;
  return {
    start(l, t) {
      label = l;
      total = Math.max(1, t);
      last = 0;
    },
    update(done, detail) {
      const now = Date.now();
      if (now - last < 50 && done < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((width * done) / total);
      const line = `${label.padEnd(18)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round((100 * done) / total)).padStart(3)}% ${detail}`;
      out.write(`\r${line.slice(0, (out.columns ?? 100) - 1)}\x1b[K`);
    },
    finish(line) {
      out.write(`\r\x1b[K${line}\n`);
    },
  };
}
