import { buildSchema, Kind, parse, TypeInfo, validate, ValidationContext, type OperationDefinitionNode } from 'graphql';
import { operationCost, queryCostRule } from './query-cost.rule';

const schema = buildSchema(`
  type Query {
    me: User
    users(first: Int! = 20, after: String): UserConnection!
    search(text: String!, first: Int): [SearchResult!]!
  }
  type User { id: ID!, name: String!, friends(first: Int! = 20, after: String): UserConnection! }
  type Team { id: ID!, members(first: Int! = 20): UserConnection! }
  union SearchResult = User | Team
  type UserConnection { edges: [UserEdge!]!, pageInfo: PageInfo! }
  type UserEdge { cursor: String!, node: User! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }
`);

/** The cost of the first operation of `query`. */
function costOf(query: string, variables?: Record<string, unknown>): number {
  const document = parse(query);
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost(context, operation, variables);
}

// edges { node { id } } pageInfo { hasNextPage }: edges 1 + node (1 + id 1) = 3, pageInfo 1 + 1 = 2 → 5 per item.
const PAGE = 'edges { node { id } } pageInfo { hasNextPage }';

describe('operationCost', () => {
  it('charges 1 per field, __typename included', () => {
    expect(costOf('{ me { id name } }')).toBe(3);
    expect(costOf('{ __typename me { __typename } }')).toBe(3);
  });

  it('multiplies the selection of a field with `first` by it, pageInfo included', () => {
    expect(costOf(`{ users(first: 10) { ${PAGE} } }`)).toBe(1 + 10 * 5);
  });

  it('uses the argument’s default when `first` is left out, and 20 when the argument has no default', () => {
    expect(costOf(`{ users { ${PAGE} } }`)).toBe(1 + 20 * 5);
    expect(costOf('{ search(text: "x") { ... on User { id } } }')).toBe(1 + 20 * 1);
  });

  it('resolves variables: the request’s value, else the variable’s default, else the argument’s default', () => {
    expect(costOf(`query($n: Int!) { users(first: $n) { ${PAGE} } }`, { n: 50 })).toBe(1 + 50 * 5);
    expect(costOf(`query($n: Int! = 7) { users(first: $n) { ${PAGE} } }`)).toBe(1 + 7 * 5);
    expect(costOf(`query($n: Int) { users(first: $n) { ${PAGE} } }`, {})).toBe(1 + 20 * 5);
  });

  it('multiplies nested pages', () => {
    // friends: 1 + 100 × (edges 1 + node (1 + id 1)) = 301; node 302; edges 303; users 1 + 100 × 303.
    expect(costOf('{ users(first: 100) { edges { node { friends(first: 100) { edges { node { id } } } } } } }')).toBe(30_301);
  });

  it('counts a named fragment at each spread, inline fragments, and every branch of a union', () => {
    const fragment = 'fragment Person on User { id name }';
    expect(costOf(`{ me { ...Person friends(first: 2) { edges { node { ...Person } } } } } ${fragment}`)).toBe(
      1 + 2 + 1 + 2 * (1 + (1 + 2)),
    );
    expect(
      costOf('{ search(text: "x", first: 10) { ... on User { id name } ... on Team { id members(first: 3) { edges { cursor } } } } }'),
    ).toBe(1 + 10 * (2 + 1 + (1 + 3 * 2)));
  });

  it('counts an out-of-range `first` as the nearest allowed value (the page-size rule refuses it once)', () => {
    expect(costOf(`{ users(first: 500) { ${PAGE} } }`)).toBe(1 + 100 * 5);
    expect(costOf(`{ users(first: 0) { ${PAGE} } }`)).toBe(1 + 1 * 5);
  });

  it('costs introspection lists like single objects (they have no `first`)', () => {
    expect(costOf('{ __schema { types { name fields { name } } } }')).toBe(5);
  });
});

describe('queryCostRule', () => {
  const errorsOf = (query: string, maxCost: number, variables?: Record<string, unknown>) =>
    validate(schema, parse(query), [queryCostRule({ maxCost, variables })]).map((error) => ({
      message: error.message,
      extensions: error.extensions,
    }));

  it('accepts a cost equal to the limit and refuses one more, saying the cost, the limit and the formula', () => {
    const query = `{ users(first: 10) { ${PAGE} } }`; // 51
    expect(errorsOf(query, 51)).toEqual([]);
    expect(errorsOf(query, 50)).toEqual([
      {
        message:
          'the operation costs 51; the limit is 50 (each field costs 1, and a field with `first: n` costs 1 + n × the cost of its selection)',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' },
      },
    ]);
  });

  it('refuses through variables what it would refuse as literals', () => {
    const query = 'query($n: Int!, $m: Int!) { users(first: $n) { edges { node { friends(first: $m) { edges { node { id } } } } } } }';
    expect(errorsOf(query, 5_000, { n: 10, m: 10 })).toEqual([]);
    expect(errorsOf(query, 5_000, { n: 100, m: 100 })).toEqual([
      expect.objectContaining({ message: expect.stringContaining('costs 30,301;') }),
    ]);
  });

  it('checks each operation of a document on its own', () => {
    const document = `query Cheap { me { id } } query Costly { users(first: 100) { ${PAGE} } }`;
    expect(errorsOf(document, 501)).toEqual([]);
    expect(errorsOf(document, 500)).toHaveLength(1);
  });

  it('ends on cyclic fragments (NoFragmentCyclesRule reports them)', () => {
    expect(errorsOf('{ me { ...A } } fragment A on User { id ...B } fragment B on User { name ...A }', 5_000)).toEqual([]);
  });
});
