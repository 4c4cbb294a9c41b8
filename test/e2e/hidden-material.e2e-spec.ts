import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { renderSchema } from '../../apps/api/src/graphql/schema-file';
import { withClient } from '@app/testing';
import { register } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** The schema exactly as the app serves it (introspection over HTTP is itself depth- and cost-limited). */
async function servedSchema(): Promise<GraphQLSchema> {
  return buildSchema(await renderSchema());
}

/**
 * Hidden tests, the AI-written solution and attempts' secret seeds must be unreachable: no field
 * of the schema names them, and no answer — even one selecting every field there is — holds them.
 */
describe('hidden material is unreachable through GraphQL', () => {
  let app: TestApp;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    app = await startTestApp();
    schema = await servedSchema();
  });

  afterAll(async () => {
    await app.stop();
  });

  /** Every selection set that selects all fields without required arguments (lists with first: 10), to `depth`. */
  function everything(typeName: string, depth: number): string {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const parts: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const extra = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
      if (extra.length > 0) continue;
      const args = field.args.some((arg) => arg.name === 'first') ? '(first: 10)' : '';
      const target = getNamedType(field.type);
      if (isObjectType(target)) {
        if (depth > 0) parts.push(`${field.name}${args} { ${everything(target.name, depth - 1)} }`);
      } else {
        parts.push(`${field.name}${args}`);
      }
    }
    return parts.length > 0 ? parts.join(' ') : '__typename';
  }

  it('has no field, argument or input field that names secrets, seeds, hidden tests or solutions', () => {
    const reachable = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (reachable.has(type.name) || type.name.startsWith('__')) return;
      reachable.add(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          visit(getNamedType(field.type as GraphQLType));
          for (const arg of 'args' in field ? field.args : []) visit(getNamedType(arg.type as GraphQLType));
        }
      }
    };
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].forEach((root) => root && visit(root));
    // Allowed: inputs that carry the user's own password (register, login).
    const forbidden = /secret|seed|hidden|solution|passwordHash|tokenHash/i;
    const offenders: string[] = [];
    for (const name of reachable) {
      const type = schema.getType(name)!;
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (forbidden.test(field.name)) offenders.push(`${name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : [])
          if (forbidden.test(arg.name)) offenders.push(`${name}.${field.name}(${arg.name})`);
      }
    }
    expect(reachable.has('Challenge')).toBe(true);
    expect(reachable.has('Attempt')).toBe(true);
    expect(offenders).toEqual([]);
  });

  it('answers no query with hidden tests, the AI-written solution or a secret seed, even one that selects every field', async () => {
    const learner = await register(app, 'curious');
    const slugs = await withClient(app.database.url, async (c) =>
      (await c.query(`SELECT slug FROM "Challenge" ORDER BY slug`)).rows.map((r) => r.slug as string),
    );
    const attemptIds: string[] = [];
    for (const slug of slugs) {
      const started = await app.graphql(`mutation { startAttempt(challengeSlug: "${slug}") { id } }`, {}, learner.auth);
      attemptIds.push((started.body.data!.startAttempt as { id: string }).id);
    }

    const secrets = await withClient(app.database.url, async (c) => {
      const hidden = (await c.query(`SELECT hidden FROM "ChallengeVersion"`)).rows.map(
        (r) => r.hidden as { tests?: Array<{ name: string; args: unknown; expected: unknown }>; aiSolution?: string },
      );
      const seeds = (await c.query(`SELECT "secretSeed" FROM "Attempt"`)).rows.map((r) => r.secretSeed as string);
      const needles = new Set<string>(seeds);
      for (const material of hidden) {
        // Test names are shown to learners with their results (they carry no data); inputs and expected outputs are not.
        for (const test of material.tests ?? []) {
          const args = JSON.stringify(test.args);
          if (args.length >= 12) needles.add(args);
          const expected = JSON.stringify(test.expected);
          if (expected.length >= 12) needles.add(expected);
        }
        for (const line of (material.aiSolution ?? '').split('\n').map((l) => l.trim())) if (line.length >= 25) needles.add(line);
      }
      return { needles: [...needles], hasSessionChallenges: hidden.some((m) => (m.tests ?? []).length > 0) };
    });
    expect(secrets.needles.length).toBeGreaterThanOrEqual(attemptIds.length);
    expect(secrets.hasSessionChallenges).toBe(true); // hidden tests exist, so the check below has something to find

    const answers: string[] = [];
    answers.push(
      JSON.stringify(
        (await app.graphql(`{ challenges(first: 20) { edges { node { ${everything('Challenge', 4)} } } } }`, {}, learner.auth)).body,
      ),
    );
    for (const slug of slugs)
      answers.push(
        JSON.stringify((await app.graphql(`{ challenge(slug: "${slug}") { ${everything('Challenge', 4)} } }`, {}, learner.auth)).body),
      );
    for (const id of attemptIds)
      answers.push(JSON.stringify((await app.graphql(`{ attempt(id: "${id}") { ${everything('Attempt', 4)} } }`, {}, learner.auth)).body));
    answers.push(JSON.stringify((await app.graphql(`{ me { ${everything('User', 3)} } }`, {}, learner.auth)).body));

    for (const answer of answers) expect(answer).not.toMatch(/"errors"/);
    const leaks = secrets.needles.filter((needle) => answers.some((answer) => answer.includes(JSON.stringify(needle).slice(1, -1))));
    expect(leaks).toEqual([]);
    // The briefs do reach the client (the walk is not vacuous).
    expect(answers.join('').length).toBeGreaterThan(5_000);
  });
});
