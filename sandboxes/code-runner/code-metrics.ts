import ts from 'typescript';
import type { CodeLanguage } from './types';

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
 */
export function codeMetrics(source: string, language: CodeLanguage): CodeMetrics {
  const fileName = language === 'typescript' ? 'solution.ts' : 'solution.js';
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    language === 'typescript' ? ts.ScriptKind.TS : ts.ScriptKind.JS,
  );
  let decisions = 0;
  let functions = 0;
  const codeLines = new Set<number>();
  const visit = (node: ts.Node): void => {
    // getChildren includes JSDoc comments as nodes; they are comments, not code.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    if (ts.isFunctionLike(node) && hasBody(node)) functions += 1;
    if (DECISION_KINDS.has(node.kind)) decisions += 1;
    if (ts.isBinaryExpression(node) && DECISION_OPERATORS.has(node.operatorToken.kind)) decisions += 1;
    if (node.getChildCount(file) === 0 && node.getWidth(file) > 0) {
      // A token (empty lists and the end-of-file token have no width): every line it spans has code (a multi-line template literal or string counts each line).
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      for (let line = start; line <= end; line++) codeLines.add(line);
    }
    node.getChildren(file).forEach(visit);
  };
  visit(file);
  return { lines: codeLines.size, cyclomaticComplexity: 1 + decisions, functions };
}

/** Declarations without a body (overload signatures, `declare function`, interface methods) are types, not code. */
function hasBody(node: ts.SignatureDeclaration): boolean {
  return 'body' in node && node.body !== undefined;
}
