import { buildSchema, NoFragmentCyclesRule, parse, validate } from 'graphql';
import { maxAliasesRule } from './max-aliases.rule';

const schema = buildSchema(`
  type Query { me: User, user(id: ID!): User }
  type User { id: ID!, name: String!, friends: [User!]! }
`);

const aliased = (count: number, prefix = 'a') => Array.from({ length: count }, (_, i) => `${prefix}${i}: __typename`).join(' ');

function errorsOf(query: string, limit = 15) {
  return validate(schema, parse(query), [maxAliasesRule(limit), NoFragmentCyclesRule]).map((error) => ({
    message: error.message,
    reason: error.extensions.reason,
  }));
}

describe('maxAliasesRule', () => {
  it('accepts 15 aliases and refuses 16, saying how many and the limit', () => {
    expect(errorsOf(`{ ${aliased(15)} }`)).toEqual([]);
    expect(errorsOf(`{ ${aliased(16)} }`)).toEqual([
      { message: 'the operation uses 16 aliases (fragments counted at each spread); at most 15 are allowed', reason: 'TOO_MANY_ALIASES' },
    ]);
  });

  it('carries code GRAPHQL_VALIDATION_FAILED and points at the operation', () => {
    const [error] = validate(schema, parse(`query Many { ${aliased(16)} }`), [maxAliasesRule(15)]);
    expect(error?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_ALIASES' });
    expect(error?.locations).toEqual([{ line: 1, column: 1 }]);
  });

  it('counts aliases at every depth, and an alias equal to the field name', () => {
    expect(errorsOf(`{ me { a: id b: name friends { c: id id: id } } }`, 3)).toHaveLength(1);
    expect(errorsOf(`{ me { a: id b: name friends { c: id id } } }`, 3)).toEqual([]);
  });

  it('counts a named fragment at each spread, wherever the spreads are', () => {
    const fragment = `fragment Names on User { ${aliased(4, 'n')} }`;
    expect(errorsOf(`{ me { ...Names friends { ...Names } } } ${fragment}`, 8)).toEqual([]);
    expect(errorsOf(`{ me { ...Names friends { ...Names friends { ...Names } } } } ${fragment}`, 8)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('uses 12 aliases') }),
    ]);
  });

  it('counts aliases inside inline fragments and nested named fragments', () => {
    const query = `{ me { ... on User { a: id } ...Outer } } fragment Outer on User { b: id ...Inner } fragment Inner on User { c: id d: name }`;
    expect(errorsOf(query, 4)).toEqual([]);
    expect(errorsOf(query, 3)).toEqual([expect.objectContaining({ message: expect.stringContaining('uses 4 aliases') })]);
  });

  it('checks each operation of a document on its own', () => {
    const document = `query Few { ${aliased(10)} } query AlsoFew { ${aliased(10, 'b')} }`;
    expect(errorsOf(document)).toEqual([]);
    expect(errorsOf(`${document} query TooMany { ${aliased(16, 'c')} }`)).toHaveLength(1);
  });

  it('ends on cyclic fragments (NoFragmentCyclesRule reports them)', () => {
    const errors = errorsOf(`{ me { ...A } } fragment A on User { a: id ...B } fragment B on User { b: id ...A }`);
    expect(errors).toEqual([expect.objectContaining({ message: 'Cannot spread fragment "A" within itself via "B".' })]);
  });
});
