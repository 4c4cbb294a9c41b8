import { buildSchema, parse, validate } from 'graphql';
import { noIntrospectionRule } from './no-introspection.rule';

const schema = buildSchema(`type Query { me: User } type User { id: ID! }`);

const errorsOf = (query: string) =>
  validate(schema, parse(query), [noIntrospectionRule]).map((error) => ({ message: error.message, extensions: error.extensions }));

describe('noIntrospectionRule', () => {
  it.each([
    ['__schema', '{ __schema { queryType { name } types { name fields { name } } } }'],
    ['__type', '{ __type(name: "User") { name fields { name } } }'],
    ['__schema', '{ ...Everything } fragment Everything on Query { __schema { types { name } } }'],
    ['__type', '{ ... on Query { __type(name: "User") { name } } }'],
  ])('refuses %s once, with INTROSPECTION_DISABLED, also inside fragments', (field, query) => {
    expect(errorsOf(query)).toEqual([
      {
        message: `introspection is disabled on this server (field "${field}")`,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'INTROSPECTION_DISABLED' },
      },
    ]);
  });

  it('allows __typename, which clients need for unions and caching', () => {
    expect(errorsOf('{ __typename me { __typename id } }')).toEqual([]);
  });
});
