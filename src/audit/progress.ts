/** A one-line progress bar on stderr, redrawn in place; only on a terminal. */
export interface Progress {
  update(done: number, total: number, label: string): void;
  done(): void;
}

const WIDTH = 24;

export function renderBar(done: number, total: number, label: string, columns = 100): string {
  const frac = total === 0 ? 1 : done / total;
  const filled = Math.round(frac * WIDTH);
  const head = `audit [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} `;
  const room = columns - head.length - 1;
  if (room < 2) return head.slice(0, Math.max(0, columns - 1));
  return head + (label.length > room ? `${label.slice(0, room - 1)}…` : label);
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress | null {
  if (!stream.isTTY) return null;
  let shown = false;
  return {
    update(done, total, label) {
      shown = true;
      stream.write(`\r\x1b[2K${renderBar(done, total, label, stream.columns ?? 100)}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
