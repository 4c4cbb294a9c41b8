import type { EditBatch, EditEvent } from './edit-log';
import { EditLogFactory } from './edit-log.factory';
import { IntegrityFlag, integrityEvidence, replayDistance } from './integrity-evidence';
import { replay } from './replay';

const SOLUTION = [
  'function twoSum(nums, target) {',
  '  const seen = new Map();',
  '  for (let i = 0; i < nums.length; i++) {',
  '    const j = seen.get(target - nums[i]);',
  '    if (j !== undefined) return [j, i];',
  '    seen.set(nums[i], i);',
  '  }',
  '  return [];',
  '}',
  '',
].join('\n');

describe('integrity evidence of an AI-free session', () => {
  it('a scripted typist typing the solution char by char replays exactly with no flags', () => {
    const log = new EditLogFactory(42).type(SOLUTION);
    const evidence = integrityEvidence(log.batches(), SOLUTION, { endAt: log.now + 1_000 });

    expect(evidence.replayMatches).toBe(true);
    expect(evidence.replayDistance).toBe(0);
    expect(evidence.flags).toEqual([]);
    expect(evidence).toMatchObject({ pasteCount: 0, pastedChars: 0, pastedShare: 0, burstCount: 0, focusLostMs: 0, focusLosses: 0 });
    expect(evidence.typing.typedChars).toBe(SOLUTION.length);
    expect(evidence.typing.medianIntervalMs).toBeGreaterThanOrEqual(80);
    expect(evidence.typing.medianIntervalMs).toBeLessThanOrEqual(250);
    expect(evidence.typing.p90IntervalMs).toBeGreaterThanOrEqual(evidence.typing.medianIntervalMs!);
    expect(evidence.typing.p90IntervalMs).toBeLessThanOrEqual(250);
    expect(evidence.typing.charsPerMinute).toBeGreaterThan(60_000 / 250);
    expect(evidence.typing.charsPerMinute).toBeLessThan(60_000 / 80);
  });

  it('the same code in one paste shows EXTERNAL_PASTE with a share of 1', () => {
    const log = new EditLogFactory().paste(SOLUTION);
    const evidence = integrityEvidence(log.batches(), SOLUTION);

    expect(evidence.replayMatches).toBe(true);
    expect(evidence.pasteCount).toBe(1);
    expect(evidence.pastedChars).toBe(SOLUTION.length);
    expect(evidence.pastedShare).toBeCloseTo(1, 10);
    expect(evidence.flags).toEqual([IntegrityFlag.ExternalPaste]);
  });

  it('copying a line typed earlier and pasting it twice does not count as external', () => {
    const line = '  seen.set(nums[i], i);\n';
    const log = new EditLogFactory(3).type('function f(nums) {\n  const seen = new Map();\n').type(line);
    log.paste(line).paste(line).type('}\n');
    const evidence = integrityEvidence(log.batches(), log.text);

    expect(evidence.replayMatches).toBe(true);
    expect(evidence.pasteCount).toBe(2);
    expect(evidence.internalPastedChars).toBe(2 * line.length);
    expect(evidence.pastedChars).toBe(0);
    expect(evidence.pastedShare).toBe(0);
    expect(evidence.flags).toEqual([]);
  });

  it('moving code by cutting it and pasting it elsewhere does not count as external', () => {
    const log = new EditLogFactory(5).type('const a = 1;\nconst b = 2;\n');
    log.cut(0, 13).moveTo(log.text.length).paste('const a = 1;\n');
    expect(log.text).toBe('const b = 2;\nconst a = 1;\n');
    const evidence = integrityEvidence(log.batches(), log.text);

    expect(evidence.pastedChars).toBe(0);
    expect(evidence.internalPastedChars).toBe(13);
    expect(evidence.flags).toEqual([]);
  });

  it('retyped text that was backspaced away earlier is recognised when pasted back', () => {
    const log = new EditLogFactory(6).type('let total = sum(xs);').backspace(20).type('// later\n').paste('let total = sum(xs);');
    const evidence = integrityEvidence(log.batches(), log.text);
    expect(evidence.pastedChars).toBe(0);
    expect(evidence.flags).toEqual([]);
  });

  it('counts only the pasted characters that survive into the final code toward the share', () => {
    const log = new EditLogFactory(8).type('return 1;\n');
    log.paste('x'.repeat(40)).backspace(40);
    const evidence = integrityEvidence(log.batches(), log.text);

    expect(evidence.pastedChars).toBe(40);
    expect(evidence.pastedShare).toBe(0);
    expect(evidence.flags).toEqual([]);
  });

  it('code that differs from its edit log shows REPLAY_MISMATCH and how far apart they are', () => {
    const log = new EditLogFactory(9).type(SOLUTION);
    const submitted = SOLUTION.replace('return [];', 'return [-1, -1];');
    const evidence = integrityEvidence(log.batches(), submitted);

    expect(evidence.replayMatches).toBe(false);
    expect(evidence.replayDistance).toBe(6);
    expect(evidence.flags).toEqual([IntegrityFlag.ReplayMismatch]);
  });

  it('a 500-char INSERT without a paste event shows INSERT_BURSTS', () => {
    const log = new EditLogFactory(10).type('// start\n');
    const insertedAt = log.now + 150;
    log.insertAtOnce('a'.repeat(500));
    const evidence = integrityEvidence(log.batches(), log.text);

    expect(evidence.flags).toEqual([IntegrityFlag.InsertBursts]);
    expect(evidence.bursts).toEqual([{ at: insertedAt, chars: 500, durationMs: 0, reason: 'LONG_INSERT' }]);
    expect(evidence.pastedChars).toBe(0);
  });

  it('single-character inserts faster than anyone types show INSERT_BURSTS as one merged run', () => {
    const fast = new EditLogFactory(11, { min: 2, max: 4 }).type('x'.repeat(100));
    const evidence = integrityEvidence(fast.batches(), fast.text);

    expect(evidence.flags).toEqual([IntegrityFlag.InsertBursts]);
    expect(evidence.bursts).toHaveLength(1);
    expect(evidence.bursts[0]).toMatchObject({ reason: 'FAST_INSERTS', chars: 100 });

    const brisk = new EditLogFactory(11, { min: 40, max: 60 }).type('y'.repeat(100));
    expect(integrityEvidence(brisk.batches(), brisk.text).burstCount).toBe(0);
  });

  it('focus lost for 3 minutes shows LONG_FOCUS_LOSS; one minute does not', () => {
    const away = new EditLogFactory(12).type('let a;').awayFor(180_000).type('let b;');
    const evidence = integrityEvidence(away.batches(), away.text);
    expect(evidence).toMatchObject({ focusLostMs: 180_000, focusLosses: 1, flags: [IntegrityFlag.LongFocusLoss] });

    const brief = new EditLogFactory(12).type('let a;').awayFor(30_000).awayFor(30_000).type('let b;');
    expect(integrityEvidence(brief.batches(), brief.text)).toMatchObject({ focusLostMs: 60_000, focusLosses: 2, flags: [] });
  });

  it('counts a focus loss still open at the end up to the submission', () => {
    const batches: EditBatch[] = [
      {
        seq: 0,
        receivedAt: 1_500,
        events: [
          { kind: 'INSERT', at: 100, position: 0, text: 'a' },
          { kind: 'FOCUS_LOST', at: 1_000 },
          { kind: 'FOCUS_LOST', at: 1_200 },
        ],
      },
    ];
    expect(integrityEvidence(batches, 'a', { endAt: 200_000 })).toMatchObject({ focusLostMs: 199_000, focusLosses: 1 });
    expect(integrityEvidence(batches, 'a').focusLostMs).toBe(200);
  });

  it('submitted code without any edit shows NO_EDIT_LOG', () => {
    const focusOnly: EditBatch[] = [{ seq: 0, receivedAt: 10, events: [{ kind: 'FOCUS_LOST', at: 5 }] }];
    expect(integrityEvidence([], SOLUTION).flags).toEqual([IntegrityFlag.ReplayMismatch, IntegrityFlag.NoEditLog]);
    expect(integrityEvidence(focusOnly, SOLUTION).flags).toEqual([IntegrityFlag.ReplayMismatch, IntegrityFlag.NoEditLog]);
    expect(integrityEvidence([], '').flags).toEqual([]);
  });

  it('records out-of-range positions as replay errors, not exceptions', () => {
    const batches: EditBatch[] = [
      {
        seq: 0,
        receivedAt: 1_000,
        events: [
          { kind: 'INSERT', at: 10, position: 0, text: 'ok' },
          { kind: 'PASTE', at: 20, position: 50, text: 'far away' },
          { kind: 'DELETE', at: 30, position: 1, length: 10 },
        ],
      },
    ];
    const evidence = integrityEvidence(batches, 'ok');
    expect(evidence.replayMatches).toBe(true);
    expect(evidence.replayErrors).toHaveLength(2);
    expect(evidence.pasteCount).toBe(0);
    expect(evidence.flags).toEqual([IntegrityFlag.ReplayErrors]);
  });

  it('missing batches show MISSING_BATCHES with their seqs', () => {
    const batches = new EditLogFactory(13).type('abcdefghij').batches(2);
    // Without "cd" and "ef", the later inserts fall outside the document: the gap shows in the replay too.
    const evidence = integrityEvidence([batches[0], batches[3], batches[4]], 'ab');
    expect(evidence.missingBatches).toEqual([1, 2]);
    expect(evidence.replayErrors).toHaveLength(4);
    expect(evidence.flags).toEqual([IntegrityFlag.ReplayErrors, IntegrityFlag.MissingBatches]);
  });

  describe('clock sanity', () => {
    const insert = (at: number, position: number, text: string): EditEvent => ({ kind: 'INSERT', at, position, text });

    it('a client clock that goes backwards across batches shows CLIENT_CLOCK_SUSPECT, the evidence still on its times', () => {
      const batches: EditBatch[] = [
        { seq: 0, receivedAt: 5_100, events: [insert(5_000, 0, 'a')] },
        { seq: 1, receivedAt: 6_100, events: [insert(1_000, 1, 'b')] },
      ];
      const evidence = integrityEvidence(batches, 'ab');
      expect(evidence.clock.backwardsSteps).toBe(1);
      expect(evidence.flags).toEqual([IntegrityFlag.ClientClockSuspect]);
    });

    it('a client clock running more than 5 s ahead of the server shows CLIENT_CLOCK_SUSPECT; 5 s does not', () => {
      const ahead: EditBatch[] = [{ seq: 0, receivedAt: 1_000, events: [insert(7_000, 0, 'a')] }];
      expect(integrityEvidence(ahead, 'a')).toMatchObject({ clock: { maxAheadMs: 6_000 }, flags: [IntegrityFlag.ClientClockSuspect] });

      const withinTolerance: EditBatch[] = [{ seq: 0, receivedAt: 1_000, events: [insert(6_000, 0, 'a')] }];
      expect(integrityEvidence(withinTolerance, 'a').flags).toEqual([]);
    });
  });

  it('a 64 KiB document built by 20,000 events replays and is evaluated in one linear pass', () => {
    const events: EditEvent[] = [];
    let length = 0;
    let at = 0;
    let seed = 17;
    const nextRandom = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let block = 0; block < 200; block++) {
      let position = Math.floor(nextRandom() * (length + 1));
      for (let i = 0; i < 99; i++) {
        at += 100;
        events.push({ kind: 'INSERT', at, position, text: 'abc' });
        position += 3;
        length += 3;
      }
      at += 500;
      events.push({ kind: 'PASTE', at, position, text: 'abc'.repeat(10) + 'a' });
      length += 31;
    }
    const batches: EditBatch[] = [];
    for (let from = 0; from < events.length; from += 500) {
      const slice = events.slice(from, from + 500);
      batches.push({ seq: batches.length, events: slice, receivedAt: slice[slice.length - 1].at + 200 });
    }
    const { code, errors } = replay(batches);
    expect(errors).toEqual([]);
    expect(code.length).toBe(65_600);
    expect(length).toBe(65_600);

    const evidence = integrityEvidence(batches, code);
    expect(evidence).toMatchObject({ replayMatches: true, pasteCount: 200, pastedChars: 0, internalPastedChars: 6_200, flags: [] });
  });
});

describe('replay distance', () => {
  it('is 0 for equal texts and the longer differing middle otherwise', () => {
    expect(replayDistance('abc', 'abc')).toBe(0);
    expect(replayDistance('', 'abc')).toBe(3);
    expect(replayDistance('abXYc', 'abc')).toBe(2);
    expect(replayDistance('aaa', 'aa')).toBe(1);
    expect(replayDistance('abcd', 'axyd')).toBe(2);
  });
});
