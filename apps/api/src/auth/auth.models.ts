import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/pagination/connection.model';
import { User } from '../users/user.model';

@InputType()
export class RegisterInput {
  @Field({ description: 'Becomes the login; compared case-insensitively.' })
  email!: string;

  @Field({ description: "Public name: 3–32 lower-case letters, digits, '-' or '_'." })
  handle!: string;

  @Field({ description: '8–128 characters, not among the 3,000 most common passwords.' })
  password!: string;
}

@InputType()
export class LoginInput {
  @Field()
  email!: string;

  @Field()
  password!: string;
}

@ObjectType()
export class AuthPayload {
  @Field({ description: 'JWT for `Authorization: Bearer …`; valid 15 minutes.' })
  accessToken!: string;

  @Field({ description: 'Use once with refreshToken() for a new pair; reusing one ends every session.' })
  refreshToken!: string;

  @Field(() => User)
  user!: User;
}

@ObjectType({ description: 'A personal API token (the secret itself is shown only once, at creation).' })
export class ApiToken {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'The first characters of the token, to recognise it.' })
  prefix!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType()
export class ApiTokenPayload {
  @Field({ description: 'The token, for `Authorization: Bearer …`. Shown once: store it now.' })
  token!: string;

  @Field()
  name!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}

@ObjectType()
export class ApiTokenConnection extends Connection(ApiToken) {}
