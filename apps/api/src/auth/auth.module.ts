import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ApiTokensResolver } from './api-tokens.resolver';
import { ApiTokensService } from './api-tokens.service';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { AuthenticationService } from './authentication.service';
import { PasswordHasher } from './password-hasher.service';
import { TokenService } from './token.service';

@Module({
  // The signing key is fetched per call from the database (shared by replicas), not configured here.
  imports: [JwtModule.register({})],
  providers: [PasswordHasher, TokenService, AuthenticationService, AuthService, ApiTokensService, AuthResolver, ApiTokensResolver],
  exports: [AuthenticationService],
})
export class AuthModule {}
