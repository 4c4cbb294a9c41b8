import { readCommittedSchema, renderSchema } from './schema-file';

describe('schema.gql', () => {
  it('matches the schema the code serves (run `npm run gql:schema` after changing resolvers)', async () => {
    expect(readCommittedSchema()).toBe(await renderSchema());
  });
});
