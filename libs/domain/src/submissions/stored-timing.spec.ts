import { TimingFactory } from '@app/testing';
import { storedTimingOf } from './stored-timing';

describe('storedTimingOf', () => {
  it('reads the timing the scorer stored', () => {
    const timing = TimingFactory.build();
    expect(storedTimingOf({ parity: {}, timing: JSON.parse(JSON.stringify(timing)) })).toEqual(timing);
  });

  it('is null without timing, or when a summary number is missing or not finite (JSON stores NaN as null)', () => {
    expect(storedTimingOf({ parity: { passed: true } })).toBeNull();
    expect(storedTimingOf({ timing: [] })).toBeNull();
    expect(storedTimingOf({ timing: { ...TimingFactory.build(), speedupLow: null } })).toBeNull();
    expect(storedTimingOf({ timing: { ...TimingFactory.build(), rounds: 'many' } })).toBeNull();
    expect(storedTimingOf({ timing: { ...TimingFactory.build(), rounds: [] } })).toBeNull();
  });

  it('leaves out rounds without positive, finite latencies and recomputes a missing ratio', () => {
    const timing = storedTimingOf({
      timing: {
        ...TimingFactory.build(),
        rounds: [null, { baselineMs: 0, candidateMs: 1 }, { baselineMs: null, candidateMs: 1 }, { baselineMs: 3, candidateMs: 2 }],
      },
    });
    expect(timing?.rounds).toEqual([{ baselineMs: 3, candidateMs: 2, ratio: 1.5, baselineFirst: false }]);
  });
});
