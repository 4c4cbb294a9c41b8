import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { ApiToken, ApiTokenPayload, AuthPayload, LoginInput, RegisterInput } from './auth.models';
import { ApiTokensService } from './api-tokens.service';
import { AuthService } from './auth.service';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly apiTokens: ApiTokensService,
  ) {}

  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in.' })
  register(@Args('input') input: RegisterInput): Promise<AuthPayload> {
    return this.auth.register(input);
  }

  @Mutation(() => AuthPayload, { description: 'At most 100 failed attempts per account per hour (RATE_LIMITED with retryAt).' })
  login(@Args('input') input: LoginInput): Promise<AuthPayload> {
    return this.auth.login(input);
  }

  @Mutation(() => AuthPayload, { description: 'A new access token and refresh token; the given refresh token stops working.' })
  refreshToken(@Args('refreshToken') refreshToken: string): Promise<AuthPayload> {
    return this.auth.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: "Ends the caller's session (its access and refresh tokens)." })
  logout(@CurrentCaller() caller: Caller): Promise<boolean> {
    return this.auth.logout(caller);
  }

  @Mutation(() => ApiTokenPayload, { description: 'A personal API token for the CLI and CI; needs a signed-in session.' })
  async createApiToken(@CurrentCaller() caller: Caller, @Args('name') name: string): Promise<ApiTokenPayload> {
    const { token, record } = await this.apiTokens.create(caller, name);
    return { token, name: record.name, apiToken: record };
  }

  @Mutation(() => ApiToken, { description: 'Revokes one of your API tokens (admins: anyone’s).' })
  revokeApiToken(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<ApiToken> {
    return this.apiTokens.revoke(caller, id);
  }
}
