import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { AuthPayload, LoginInput, RegisterInput } from './auth.models';
import { AuthService } from './auth.service';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

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
}
