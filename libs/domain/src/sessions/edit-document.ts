import type { EditEvent } from './edit-log';

/** Where a character of the replayed document came from. */
export enum CharOrigin {
  Typed = 0,
  /** Pasted, but the text was already in the session (copied from the document or cut from it). */
  InternalPaste = 1,
  /** Pasted text that the session had not seen before. */
  ExternalPaste = 2,
}

/**
 * A gap buffer of UTF-16 code units with each unit's origin beside it. Typing is local, so moving
 * the gap costs about the distance between consecutive edits, and a 64 KiB document with tens of
 * thousands of events replays in milliseconds where rebuilding a string per event would copy the
 * whole document each time.
 */
export class EditDocument {
  private units = new Uint16Array(1024);
  private origins = new Uint8Array(1024);
  private gapStart = 0;
  private gapEnd = 1024;

  get length(): number {
    return this.units.length - (this.gapEnd - this.gapStart);
  }

  insert(position: number, text: string, origin: CharOrigin): void {
    this.moveGap(position);
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.units[this.gapStart + i] = text.charCodeAt(i);
    this.origins.fill(origin, this.gapStart, this.gapStart + text.length);
    this.gapStart += text.length;
  }

  /** Removes `length` units from `position` on and returns them. */
  delete(position: number, length: number): string {
    this.moveGap(position);
    const removed = unitsToString(this.units, this.gapEnd, this.gapEnd + length);
    this.gapEnd += length;
    return removed;
  }

  toString(): string {
    return unitsToString(this.units, 0, this.gapStart) + unitsToString(this.units, this.gapEnd, this.units.length);
  }

  /** How many units of the document have this origin. */
  countOrigin(origin: CharOrigin): number {
    let count = 0;
    for (let i = 0; i < this.gapStart; i++) if (this.origins[i] === origin) count++;
    for (let i = this.gapEnd; i < this.origins.length; i++) if (this.origins[i] === origin) count++;
    return count;
  }

  private moveGap(position: number): void {
    if (position < this.gapStart) {
      const moved = this.gapStart - position;
      this.units.copyWithin(this.gapEnd - moved, position, this.gapStart);
      this.origins.copyWithin(this.gapEnd - moved, position, this.gapStart);
      this.gapStart = position;
      this.gapEnd -= moved;
    } else if (position > this.gapStart) {
      const moved = position - this.gapStart;
      this.units.copyWithin(this.gapStart, this.gapEnd, this.gapEnd + moved);
      this.origins.copyWithin(this.gapStart, this.gapEnd, this.gapEnd + moved);
      this.gapStart = position;
      this.gapEnd += moved;
    }
  }

  private reserve(needed: number): void {
    const gap = this.gapEnd - this.gapStart;
    if (gap >= needed) return;
    const capacity = Math.max(this.units.length * 2, this.length + needed + 1024);
    const tail = this.units.length - this.gapEnd;
    const units = new Uint16Array(capacity);
    const origins = new Uint8Array(capacity);
    units.set(this.units.subarray(0, this.gapStart));
    origins.set(this.origins.subarray(0, this.gapStart));
    units.set(this.units.subarray(this.gapEnd), capacity - tail);
    origins.set(this.origins.subarray(this.gapEnd), capacity - tail);
    this.units = units;
    this.origins = origins;
    this.gapEnd = capacity - tail;
  }
}

const CHUNK = 8192;
const utf16 = new TextDecoder('utf-16le');
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The decoder copies natively, several times faster than `String.fromCharCode` over chunks, which
 * matters because each paste materialises the document. It replaces a lone surrogate with U+FFFD,
 * so a result holding U+FFFD is rebuilt unit by unit to stay exact.
 */
function unitsToString(units: Uint16Array, start: number, end: number): string {
  if (littleEndian) {
    const decoded = utf16.decode(units.subarray(start, end));
    if (!decoded.includes('\ufffd')) return decoded;
  }
  let text = '';
  for (let from = start; from < end; from += CHUNK) {
    text += String.fromCharCode.apply(null, units.subarray(from, Math.min(end, from + CHUNK)) as unknown as number[]);
  }
  return text;
}

/**
 * Why an edit cannot apply to a document of this length, or null when it can. Replay skips such an
 * event and records the reason; it never throws on a log, however malformed.
 */
export function editProblem(event: EditEvent, documentLength: number): string | null {
  const { position, text, length } = event;
  if (event.kind === 'INSERT' || event.kind === 'PASTE') {
    if (typeof text !== 'string') return `${event.kind} without text`;
    if (!isIndex(position)) return `${event.kind} without a valid position (${String(position)})`;
    if (position > documentLength) return `${event.kind} at position ${position} is outside the document (length ${documentLength})`;
    return null;
  }
  if (event.kind === 'DELETE') {
    if (!isIndex(position)) return `DELETE without a valid position (${String(position)})`;
    if (!isIndex(length)) return `DELETE without a valid length (${String(length)})`;
    if (position + length > documentLength) {
      return `DELETE of ${length} at position ${position} runs past the end of the document (length ${documentLength})`;
    }
    return null;
  }
  return null;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
