import { seededRandom } from '../seeded-random';
import type { EditBatch, EditEvent } from './edit-log';

/**
 * Scripts an editor session for specs: a typist with a cursor and a clock, typing with seeded,
 * human-like gaps between keys. Builds events and batches the way the client sends them.
 */
export class EditLogFactory {
  readonly events: EditEvent[] = [];
  /** The clock, ms since session start. */
  now = 0;
  /** The cursor, as an offset into `text`. */
  cursor = 0;
  /** The document as the script expects it to be. */
  text = '';
  private random: () => number;

  constructor(
    seed = 1,
    private readonly keyGapMs: { min: number; max: number } = { min: 80, max: 250 },
  ) {
    this.random = seededRandom(seed);
  }

  /** Types `text` one character per INSERT at the cursor. */
  type(text: string): this {
    for (const char of text) {
      this.wait(this.keyGapMs.min + this.random() * (this.keyGapMs.max - this.keyGapMs.min));
      this.insertEvent('INSERT', char);
    }
    return this;
  }

  /** One INSERT event holding all of `text` (what an extension or a scripted client would send). */
  insertAtOnce(text: string): this {
    this.wait(150);
    return this.insertEvent('INSERT', text);
  }

  paste(text: string): this {
    this.wait(400);
    return this.insertEvent('PASTE', text);
  }

  /** Backspace `count` times. */
  backspace(count: number): this {
    for (let i = 0; i < count; i++) {
      this.wait(120);
      this.cursor--;
      this.events.push({ kind: 'DELETE', at: this.now, position: this.cursor, length: 1 });
      this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1);
    }
    return this;
  }

  /** Cuts `length` code units at `position` in one DELETE (a selection deleted). */
  cut(position: number, length: number): this {
    this.wait(300);
    this.events.push({ kind: 'DELETE', at: this.now, position, length });
    this.text = this.text.slice(0, position) + this.text.slice(position + length);
    this.cursor = position;
    return this;
  }

  moveTo(position: number): this {
    this.cursor = position;
    return this;
  }

  wait(ms: number): this {
    this.now = Math.round(this.now + ms);
    return this;
  }

  /** The editor loses focus for `ms`, then regains it. */
  awayFor(ms: number): this {
    this.wait(500);
    this.events.push({ kind: 'FOCUS_LOST', at: this.now });
    this.wait(ms);
    this.events.push({ kind: 'FOCUS_GAINED', at: this.now });
    return this;
  }

  /** Batches of `size` events, seq from 0, each received `lagMs` after its last event. */
  batches(size = 50, lagMs = 300): EditBatch[] {
    const batches: EditBatch[] = [];
    for (let from = 0; from < this.events.length; from += size) {
      const events = this.events.slice(from, from + size);
      batches.push({ seq: batches.length, events, receivedAt: events[events.length - 1].at + lagMs });
    }
    return batches;
  }

  private insertEvent(kind: 'INSERT' | 'PASTE', text: string): this {
    this.events.push({ kind, at: this.now, position: this.cursor, text });
    this.text = this.text.slice(0, this.cursor) + text + this.text.slice(this.cursor);
    this.cursor += text.length;
    return this;
  }
}
