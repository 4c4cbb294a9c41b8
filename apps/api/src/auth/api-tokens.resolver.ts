import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { User } from '../users/user.model';
import { ApiToken, ApiTokenConnection, ApiTokenPayload } from './auth.models';
import { ApiTokensService } from './api-tokens.service';

@Resolver(() => User)
export class ApiTokensResolver {
  constructor(private readonly tokens: ApiTokensService) {}

  @Mutation(() => ApiTokenPayload, { description: 'A personal API token for the CLI and CI; needs a signed-in session.' })
  async createApiToken(@CurrentCaller() caller: Caller, @Args('name') name: string): Promise<ApiTokenPayload> {
    const { token, record } = await this.tokens.create(caller, name);
    return { token, name: record.name, apiToken: record };
  }

  @Mutation(() => ApiToken, { description: 'Revokes one of your API tokens (admins: anyone’s).' })
  revokeApiToken(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<ApiToken> {
    return this.tokens.revoke(caller, id);
  }

  @ResolveField(() => ApiTokenConnection, { description: 'The user’s API tokens, newest first; only the user may list them.' })
  apiTokens(@CurrentCaller() caller: Caller, @Parent() user: User, @Args() { first, after }: ConnectionArgs): Promise<ApiTokenConnection> {
    return this.tokens.list(caller, user.id, first, after);
  }
}
