import ts from 'typescript';
import { MAX_CODE_BYTES } from './prepare-source';
import type { CodeLanguage } from './types';

/** The `code.metrics` sandbox task: the learner's code is untrusted, so it is parsed in the sandbox. */
export interface CodeMetricsTask {
  code: string;
  language: CodeLanguage;
}

/** Why a submission was not measured. A fixed vocabulary, never text from the code. */
export type CodeNotMeasuredReason =
  /** More than MAX_CODE_BYTES of UTF-8 (the runner refuses it too). */
  | 'TOO_LARGE'
  /**
   * Nested deeper than TypeScript's recursive parser can follow on the thread's stack: thousands
   * of levels (`((((…`, `{{{{…`, `if (a) if (a) …`); how many depends on the stack size, 16 MiB
   * in the sandbox host's workers.
   */
  | 'TOO_DEEP';

/** Size and shape of a solution, for the side-by-side comparison with the AI-written one. */
export interface CodeMetrics {
  /** Lines with code on them: blank lines and lines holding only comments do not count. */
  lines: number;
  /**
   * McCabe's cyclomatic complexity of the whole file: 1 + decision points (if, ?:, &&, ||, ??,
   * their assignment forms, case, for, for-in, for-of, while, do, catch). Counted once for the
   * file rather than per function, so that splitting code into helpers does not lower it.
   */
  cyclomaticComplexity: number;
  /** Function declarations, expressions, arrows, methods, accessors and constructors. */
  functions: number;
  /**
   * Null when the code was measured. Otherwise why not, and lines, cyclomaticComplexity and
   * functions are all 0 (a measured file has a complexity of at least 1): show "not measured",
   * not the zeros.
   */
  notMeasured: CodeNotMeasuredReason | null;
}

const DECISION_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ConditionalExpression,
  ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.CatchClause,
]);

const DECISION_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * Measures a submission with TypeScript's parser (syntax only, no type-check; a file with syntax
 * errors is measured as far as the parser recovers). Lines are counted from the scanner's tokens,
 * so comments inside strings or template literals are not mistaken for comments.
 *
 * Never throws on what a learner can write: the tree is walked with an explicit stack (a chain of
 * 20,000 `&&` is a tree that deep, and the parser builds it without recursing), and the parser's
 * own recursion running out of stack is reported as not measured, `TOO_DEEP`. Input is capped at
 * MAX_CODE_BYTES, which bounds the time (see README.md for measurements).
 */
export function codeMetrics(source: string, language: CodeLanguage): CodeMetrics {
  // A UTF-16 unit is at least one UTF-8 byte: the length alone rules out the hugest strings.
  if (source.length > MAX_CODE_BYTES || new TextEncoder().encode(source).length > MAX_CODE_BYTES) {
    return notMeasured('TOO_LARGE');
  }
  let file: ts.SourceFile;
  try {
    file = ts.createSourceFile(
      language === 'typescript' ? 'solution.ts' : 'solution.js',
      source,
      ts.ScriptTarget.Latest,
      true,
      language === 'typescript' ? ts.ScriptKind.TS : ts.ScriptKind.JS,
    );
  } catch (error) {
    // The parser starts from fresh state on every call, so the next call is unaffected.
    if (isStackOverflow(error)) return notMeasured('TOO_DEEP');
    throw error;
  }
  let decisions = 0;
  let functions = 0;
  const codeLines = new Set<number>();
  const pending: ts.Node[] = [file];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    // getChildren includes JSDoc comments as nodes; they are comments, not code.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) continue;
    if (ts.isFunctionLike(node) && hasBody(node)) functions += 1;
    if (DECISION_KINDS.has(node.kind)) decisions += 1;
    if (ts.isBinaryExpression(node) && DECISION_OPERATORS.has(node.operatorToken.kind)) decisions += 1;
    const children = node.getChildren(file);
    if (children.length === 0 && node.getWidth(file) > 0) {
      // A token (empty lists and the end-of-file token have no width): every line it spans has code (a multi-line template literal or string counts each line).
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      for (let line = start; line <= end; line++) codeLines.add(line);
    }
    // Not push(...children): a list of 100,000 statements would exceed the arguments limit.
    for (const child of children) pending.push(child);
  }
  return { lines: codeLines.size, cyclomaticComplexity: 1 + decisions, functions, notMeasured: null };
}

/** The task's entry point (sandboxes/worker.ts). */
export function measureCode(task: CodeMetricsTask): CodeMetrics {
  return codeMetrics(task.code, task.language);
}

function notMeasured(reason: CodeNotMeasuredReason): CodeMetrics {
  return { lines: 0, cyclomaticComplexity: 0, functions: 0, notMeasured: reason };
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** Declarations without a body (overload signatures, `declare function`, interface methods) are types, not code. */
function hasBody(node: ts.SignatureDeclaration): boolean {
  return 'body' in node && node.body !== undefined;
}
