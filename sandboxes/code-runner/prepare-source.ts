import ts from 'typescript';
import type { CodeLanguage } from './types';

/** Larger submissions are refused before parsing: a session's hand-written code is a few KiB. */
export const MAX_CODE_BYTES = 256 * 1024;

export type PreparedSource =
  | {
      ok: true;
      /** JavaScript for QuickJS (the learner's code itself, or TypeScript's output). */
      js: string;
      /** The name QuickJS reports in stacks; `solution.ts` for TypeScript, mapped back below. */
      fileName: string;
      /** Maps a position in `js` to the learner's source; identity for JavaScript. */
      toSourcePosition: (line: number, column: number) => { line: number; column: number };
    }
  | { ok: false; compileError: string };

/**
 * Turns the submission into JavaScript for QuickJS. TypeScript is transpiled on the host
 * (syntax only, no type-check: a session is judged on behaviour, and types are the learner's
 * business), to ES2022 modules, with a source map so runtime stacks point at the learner's lines.
 */
export function prepareSource(code: string, language: CodeLanguage): PreparedSource {
  const bytes = new TextEncoder().encode(code).length;
  if (bytes > MAX_CODE_BYTES) {
    return { ok: false, compileError: `the code is ${bytes} bytes; at most ${MAX_CODE_BYTES} bytes are accepted` };
  }
  if (language === 'javascript') {
    return { ok: true, js: code, fileName: 'solution.js', toSourcePosition: (line, column) => ({ line, column }) };
  }
  const output = ts.transpileModule(code, {
    fileName: 'solution.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      sourceMap: true,
      inlineSourceMap: false,
      removeComments: false,
    },
  });
  const diagnostics = output.diagnostics ?? [];
  if (diagnostics.length > 0) return { ok: false, compileError: formatDiagnostics(diagnostics) };
  const lineMap = output.sourceMapText === undefined ? [] : decodeLineMap(output.sourceMapText);
  return {
    ok: true,
    // TypeScript appends a sourceMappingURL comment; QuickJS would ignore it, but it adds a line.
    js: output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'),
    fileName: 'solution.ts',
    toSourcePosition: (line, column) => mapPosition(lineMap, line, column),
  };
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  const shown = diagnostics.slice(0, 5).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${text}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `solution.ts:${line + 1}:${character + 1} error TS${diagnostic.code}: ${text}`;
  });
  const more = diagnostics.length > shown.length ? `\n… and ${diagnostics.length - shown.length} more` : '';
  return shown.join('\n') + more;
}

/** One generated line's segments: [generated column, source line, source column], all 0-based. */
type LineSegments = Array<[number, number, number]>;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes a source map's `mappings` (Base64 VLQ, source map v3). Only what stack rewriting needs:
 * one source file, no names. Small enough to carry here instead of a dependency.
 */
function decodeLineMap(sourceMapText: string): LineSegments[] {
  const parsed: unknown = JSON.parse(sourceMapText);
  const mappings = typeof parsed === 'object' && parsed !== null && 'mappings' in parsed ? parsed.mappings : '';
  if (typeof mappings !== 'string') return [];
  const lines: LineSegments[] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: LineSegments = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(',')) {
      if (segmentText === '') continue;
      const fields = decodeVlq(segmentText);
      generatedColumn += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2] ?? 0;
        sourceColumn += fields[3] ?? 0;
        segments.push([generatedColumn, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) return values;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Maps a 1-based line/column of the generated JS to the learner's 1-based TypeScript position. */
function mapPosition(lineMap: LineSegments[], line: number, column: number): { line: number; column: number } {
  const segments = lineMap[line - 1];
  if (segments === undefined || segments.length === 0) return { line, column };
  let best = segments[0];
  for (const segment of segments) {
    if (segment[0] <= column - 1) best = segment;
    else break;
  }
  if (best === undefined) return { line, column };
  return { line: best[1] + 1, column: best[2] + 1 + Math.max(0, column - 1 - best[0]) };
}
