import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describeError } from '../../errors/describe-error';
import { assertPageSize } from './page-size';
import { pageSizeRule } from './page-size.rule';

const schema = buildSchema(`
  type Query { users(first: Int! = 20, after: String): UserConnection!, user(id: ID!): User }
  type User { id: ID!, friends(first: Int! = 20): UserConnection! }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
`);

function errorsOf(query: string, variables?: Record<string, unknown>) {
  return validate(schema, parse(query), [...specifiedRules, pageSizeRule(variables)]).map((error) => ({
    message: error.message,
    extensions: error.extensions,
  }));
}

const outOfRange = (got: string) => ({
  message: `first must be between 1 and 100 (got ${got})`,
  extensions: { code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' },
});

describe('pageSizeRule', () => {
  it.each([1, 100])('accepts first: %i', (first) => {
    expect(errorsOf(`{ users(first: ${first}) { edges { node { id } } } }`)).toEqual([]);
  });

  it.each([0, 101, -1, 500])('refuses first: %i with BAD_USER_INPUT / PAGE_SIZE_OUT_OF_RANGE', (first) => {
    expect(errorsOf(`{ users(first: ${first}) { edges { node { id } } } }`)).toEqual([outOfRange(String(first))]);
  });

  it('accepts a left-out first (the default, 20, applies)', () => {
    expect(errorsOf('{ users { edges { node { id } } } }')).toEqual([]);
  });

  it('checks variables with the values the request gives them', () => {
    const query = 'query($n: Int!) { users(first: $n) { edges { node { id } } } }';
    expect(errorsOf(query, { n: 100 })).toEqual([]);
    expect(errorsOf(query, { n: 101 })).toEqual([outOfRange('101')]);
    expect(errorsOf(query, { n: 0 })).toEqual([outOfRange('0')]);
  });

  it('checks a variable’s default, and accepts a variable the request leaves out', () => {
    expect(errorsOf('query($n: Int! = 500) { users(first: $n) { edges { node { id } } } }')).toEqual([outOfRange('500')]);
    expect(errorsOf('query($n: Int) { users(first: $n) { edges { node { id } } } }', {})).toEqual([]);
  });

  it('refuses null, sent as a literal or through a nullable variable', () => {
    expect(errorsOf('query($n: Int) { users(first: $n) { edges { node { id } } } }', { n: null })).toEqual([outOfRange('null')]);
    expect(errorsOf('{ users(first: null) { edges { node { id } } } }')).toEqual(
      expect.arrayContaining([outOfRange('null')]), // graphql-js adds its own "must not be null"
    );
  });

  it('follows variables into fragments, defined before or after the operation', () => {
    const fragment = 'fragment Friends on User { friends(first: $n) { edges { node { id } } } }';
    expect(errorsOf(`${fragment} query($n: Int!) { user(id: "1") { ...Friends } }`, { n: 101 })).toEqual([outOfRange('101')]);
    expect(errorsOf(`query($n: Int!) { user(id: "1") { ...Friends } } ${fragment}`, { n: 101 })).toEqual([outOfRange('101')]);
    expect(errorsOf(`query($n: Int!) { user(id: "1") { ...Friends } } ${fragment}`, { n: 5 })).toEqual([]);
  });

  it('ignores the same variable where it is not a page size', () => {
    expect(errorsOf('query($n: ID!) { user(id: $n) { id } }', { n: '500' })).toEqual([]);
  });

  it('says the same as assertPageSize, which services use outside GraphQL', () => {
    expect(() => assertPageSize(101)).toThrow('first must be between 1 and 100 (got 101)');
    expect(assertPageSize(100)).toBe(100);
    let thrown: unknown;
    try {
      assertPageSize(0);
    } catch (error) {
      thrown = error;
    }
    expect(describeError(thrown, undefined)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE', httpStatus: 400 });
  });
});
