import { GraphQLError, parse } from 'graphql';
import { isTokenLimitError, tokenLimitMessage } from './token-limit';

const withTokens = (tokens: number) => `{ ${Array.from({ length: tokens - 2 }, () => 'a').join(' ')} }`;

function parseError(source: string, maxTokens: number): GraphQLError {
  try {
    parse(source, { maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return error;
  }
  throw new Error('parse did not fail');
}

describe('the token limit', () => {
  it("recognises the installed graphql-js's own message (pinned: an upgrade that rewords it fails here)", () => {
    const error = parseError(withTokens(11), 10);
    expect(error.message).toBe('Syntax Error: Document contains more that 10 tokens. Parsing aborted.');
    expect(isTokenLimitError(error)).toBe(true);
    expect(isTokenLimitError(parseError('{ a', 10))).toBe(false);
  });

  it('counts punctuation and names, but not comments, commas or white space', () => {
    expect(() => parse(`# a comment with many words\n{ a, b, c }`, { maxTokens: 5 })).not.toThrow();
    expect(() => parse(`{ a, b, c, d }`, { maxTokens: 5 })).toThrow(/more that 5 tokens/);
  });

  it('words the refusal with the limit and where parsing stopped', () => {
    expect(tokenLimitMessage()).toBe('the document has more than 2,000 tokens (parsing stopped at token 2,001); the limit is 2,000');
  });
});
