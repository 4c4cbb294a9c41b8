import { truncate } from './text';

/** Where progress goes: stderr, and whether a person watches it there. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  columns: number;
}

/** `label [########............]  42%`, fitted to `width`. */
export function progressLine(label: string, fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const percent = `${Math.round(clamped * 100)}%`.padStart(4);
  const name = truncate(label, Math.max(8, Math.floor(width / 2)));
  const barWidth = Math.max(10, width - name.length - percent.length - 5);
  const filled = Math.round(clamped * barWidth);
  return `${name} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${percent}`;
}

/**
 * A progress bar redrawn in place on a terminal. Elsewhere (CI logs, files) it writes one line
 * per new label instead of redrawing, so a log shows the phases without a line per percent.
 */
export class ProgressBar {
  private lastLabel: string | null = null;
  private drawn = false;

  constructor(private readonly sink: ProgressSink) {}

  update(label: string, fraction: number): void {
    if (this.sink.isTTY) {
      this.sink.write(`\r\x1b[2K${progressLine(label, fraction, Math.min(this.sink.columns, 80) - 1)}`);
      this.drawn = true;
    } else if (label !== this.lastLabel) {
      this.sink.write(`${label}…\n`);
    }
    this.lastLabel = label;
  }

  /** Ends the bar's line, so what follows starts on a line of its own. */
  done(): void {
    if (this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}
