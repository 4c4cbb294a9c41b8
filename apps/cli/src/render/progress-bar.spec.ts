import { ProgressBar, progressLine } from './progress-bar';

describe('the progress bar', () => {
  it('fits its width and shows the percentage', () => {
    const line = progressLine('timing', 0.42, 60);
    expect(line).toMatch(/^timing \[#+\.+\] {2}42%$/);
    expect(line.length).toBeLessThanOrEqual(60);
    expect(progressLine('x', 7, 40)).toMatch(/\[#+\] 100%$/);
    expect(progressLine('x', Number.NaN, 40)).toMatch(/\[\.+\] {3}0%$/);
  });

  it('redraws in place on a terminal, and ends its line when done', () => {
    let written = '';
    const bar = new ProgressBar({ write: (text) => (written += text), isTTY: true, columns: 80 });
    bar.update('parity', 0.2);
    bar.update('parity', 0.3);
    bar.done();
    expect(written.split('\r\x1b[2K')).toHaveLength(3);
    expect(written.endsWith('\n')).toBe(true);
    expect(written.split('\n')).toHaveLength(2);
  });

  it('writes one line per phase elsewhere (a CI log), not one per update', () => {
    let written = '';
    const bar = new ProgressBar({ write: (text) => (written += text), isTTY: false, columns: 80 });
    for (const [phase, progress] of [
      ['parity', 0.2],
      ['parity', 0.3],
      ['timing', 0.4],
      ['timing', 0.8],
    ] as const)
      bar.update(phase, progress);
    bar.done();
    expect(written).toBe('parity…\ntiming…\n');
  });
});
