import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Role } from '@app/domain';

export enum RoleEnum {
  LEARNER = 'LEARNER',
  MENTOR = 'MENTOR',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleEnum, { name: 'Role', description: 'LEARNER takes challenges; MENTOR also reviews; ADMIN runs the platform.' });

@ObjectType({ description: 'A Proving Ground account. Handles are public; the email and time zone only to its owner and admins.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field()
  handle!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field()
  createdAt!: Date;

  /** Not a GraphQL field: `email` is resolved by UsersResolver, shown only to the user and admins. */
  email!: string;

  // `timeZone` (String, nullable) is resolved by UserTimeZoneResolver (progress/journal.resolver.ts),
  // shown only to the user and admins, like `email`: it tells where a learner lives.
}
