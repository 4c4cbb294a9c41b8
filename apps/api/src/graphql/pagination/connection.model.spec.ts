import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLSchemaBuilderModule, GraphQLSchemaFactory, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { lexicographicSortSchema, parse, printSchema, validate, type GraphQLSchema } from 'graphql';
import { queryCostRule } from '../limits/query-cost.rule';
import { ConnectionArgs } from './connection.args';
import { Connection } from './connection.model';
import { connectionFromRows } from './connection-from-rows';
import { pageSizeRule } from './page-size.rule';

@ObjectType()
class Item {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;
}

@ObjectType()
class ItemConnection extends Connection(Item) {}

@Resolver()
class ItemsResolver {
  @Query(() => ItemConnection)
  items(@Args() args: ConnectionArgs): ItemConnection {
    return connectionFromRows([], args.first, (item: Item) => [item.id]);
  }
}

/** The code-first schema Nest builds from the fixture resolver, as the app would serve it. */
async function buildFixtureSchema(): Promise<GraphQLSchema> {
  const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    return await context.get(GraphQLSchemaFactory).create([ItemsResolver]);
  } finally {
    await context.close();
  }
}

describe('Connection and ConnectionArgs (code-first)', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildFixtureSchema();
  });

  it('build a Relay connection with first: Int! = 20 and after: String', () => {
    const sdl = printSchema(lexicographicSortSchema(schema));
    expect(sdl).toMatch(/items\(\s*"""[^"]*"""\s*after: String\s*"""[^"]*"""\s*first: Int! = 20\s*\): ItemConnection!/);
    expect(sdl).toContain('type ItemConnection {\n  edges: [ItemEdge!]!\n  pageInfo: PageInfo!\n}');
    expect(sdl).toMatch(/type ItemEdge \{\n(\s*"""[^"]*"""\n)?\s*cursor: String!\n\s*node: Item!\n\}/);
    expect(sdl).toMatch(/type PageInfo \{[\s\S]*endCursor: String\n[\s\S]*hasNextPage: Boolean!\n\}/);
  });

  it('are refused out of range and costed by first, on the schema Nest builds', () => {
    const check = (query: string, variables?: Record<string, unknown>) =>
      validate(schema, parse(query), [pageSizeRule(variables), queryCostRule({ maxCost: 61, variables })]).map((e) => e.extensions.reason);
    expect(check('{ items { edges { node { id } } } }')).toEqual([]); // 1 + 20 × 3 = 61
    expect(check('{ items { edges { cursor node { id } } } }')).toEqual(['QUERY_TOO_COSTLY']); // 1 + 20 × 4
    expect(check('query($n: Int!) { items(first: $n) { edges { node { id } } } }', { n: 0 })).toEqual(['PAGE_SIZE_OUT_OF_RANGE']);
  });
});
