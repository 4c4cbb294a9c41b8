import { EditDocument, CharOrigin } from './edit-document';
import type { EditBatch, EditEvent } from './edit-log';
import { EditLogFactory } from './edit-log.factory';
import { playback, replay } from './replay';

describe('replaying an edit log', () => {
  it('rebuilds the typed code, with backspaces, cursor moves and a paste', () => {
    const log = new EditLogFactory().type('const x = 1;').backspace(2).type('2;').moveTo(0).paste('// header\n');
    expect(replay(log.batches(5))).toEqual({ code: '// header\nconst x = 2;', errors: [] });
    expect(log.text).toBe('// header\nconst x = 2;');
  });

  it('applies batches in seq order whatever order they are given in', () => {
    const batches = new EditLogFactory().type('hello world').batches(3);
    expect(replay([...batches].reverse()).code).toBe('hello world');
  });

  it('records out-of-range positions as errors and skips those events instead of throwing', () => {
    const batches: EditBatch[] = [
      {
        seq: 0,
        receivedAt: 100,
        events: [
          { kind: 'INSERT', at: 1, position: 0, text: 'abc' },
          { kind: 'INSERT', at: 2, position: 7, text: 'X' },
          { kind: 'DELETE', at: 3, position: 2, length: 5 },
          { kind: 'PASTE', at: 4, position: -1, text: 'Y' },
          { kind: 'DELETE', at: 5, position: 1, length: 1 },
          { kind: 'INSERT', at: 6, position: 2 },
        ],
      },
    ];
    const outcome = replay(batches);
    expect(outcome.code).toBe('ac');
    expect(outcome.errors).toEqual([
      'seq 0 event 1: INSERT at position 7 is outside the document (length 3)',
      'seq 0 event 2: DELETE of 5 at position 2 runs past the end of the document (length 3)',
      'seq 0 event 3: PASTE without a valid position (-1)',
      'seq 0 event 5: INSERT without text',
    ]);
  });

  it('records an unknown kind from an unvalidated log as an error', () => {
    const batches = [{ seq: 0, receivedAt: 0, events: [{ kind: 'SELECT', at: 0 }] }] as unknown as EditBatch[];
    expect(replay(batches)).toEqual({ code: '', errors: ['seq 0 event 0: unknown kind "SELECT"'] });
  });

  it('replays an empty log to an empty document', () => {
    expect(replay([])).toEqual({ code: '', errors: [] });
  });

  it('agrees with plain string edits over 3,000 random inserts, pastes and deletes anywhere in the document', () => {
    let seed = 99;
    const nextRandom = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const events: EditEvent[] = [];
    let expected = '';
    for (let i = 0; i < 3_000; i++) {
      const position = Math.floor(nextRandom() * (expected.length + 1));
      if (nextRandom() < 0.3 && expected.length > 0) {
        const length = Math.min(expected.length - position, Math.floor(nextRandom() * 50));
        events.push({ kind: 'DELETE', at: i, position, length });
        expected = expected.slice(0, position) + expected.slice(position + length);
      } else {
        const text = String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(nextRandom() * 80) }, () => 32 + Math.floor(nextRandom() * 0x3000)),
        );
        events.push({ kind: nextRandom() < 0.5 ? 'INSERT' : 'PASTE', at: i, position, text });
        expected = expected.slice(0, position) + text + expected.slice(position);
      }
    }
    expect(replay([{ seq: 0, receivedAt: 3_000, events }])).toEqual({ code: expected, errors: [] });
  });
});

describe('playing a session back', () => {
  it('shows the code as it was at each chosen time, answers in the order asked', () => {
    const batches: EditBatch[] = [
      {
        seq: 0,
        receivedAt: 5_000,
        events: [
          { kind: 'INSERT', at: 1_000, position: 0, text: 'a' },
          { kind: 'INSERT', at: 2_000, position: 1, text: 'b' },
        ],
      },
      {
        seq: 1,
        receivedAt: 9_000,
        events: [
          { kind: 'FOCUS_LOST', at: 3_000 },
          { kind: 'DELETE', at: 4_000, position: 0, length: 1 },
          { kind: 'PASTE', at: 5_000, position: 1, text: 'cd' },
        ],
      },
    ];
    expect(playback(batches, [4_500, 0, 1_000, 1_999, 2_000, 99_999])).toEqual(['b', '', 'a', 'a', 'ab', 'bcd']);
  });

  it('ends at the replayed code', () => {
    const log = new EditLogFactory(7).type('function f() {}').backspace(1).type('return 1; }');
    const batches = log.batches(4);
    expect(playback(batches, [log.now])).toEqual([replay(batches).code]);
  });
});

describe('the edit document', () => {
  it('keeps text and origins right through gap moves and growth', () => {
    const document = new EditDocument();
    let expected = '';
    const big = 'z'.repeat(5_000);
    const edits: Array<[number, string]> = [
      [0, 'hello'],
      [5, ' world'],
      [0, '>> '],
      [3, big],
      [2, 'Q'],
    ];
    for (const [position, text] of edits) {
      document.insert(position, text, text === big ? CharOrigin.ExternalPaste : CharOrigin.Typed);
      expected = expected.slice(0, position) + text + expected.slice(position);
    }
    expect(document.delete(1, 4)).toBe(expected.slice(1, 5));
    expected = expected.slice(0, 1) + expected.slice(5);
    expect(document.toString()).toBe(expected);
    expect(document.length).toBe(expected.length);
    expect(document.countOrigin(CharOrigin.ExternalPaste)).toBe(4_999);
  });

  it('keeps lone surrogates and real replacement characters exactly', () => {
    const document = new EditDocument();
    document.insert(0, '\ude00', CharOrigin.Typed);
    expect(document.toString()).toBe('\ude00');
    document.insert(0, '\ud83d', CharOrigin.Typed);
    expect(document.toString()).toBe('😀');
    document.insert(1, 'x\ufffd', CharOrigin.Typed);
    expect(document.toString()).toBe('\ud83dx\ufffd\ude00');
  });
});
