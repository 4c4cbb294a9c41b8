import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A team: its members compete together on the team leaderboard.' })
export class Team {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  /** Resolved by TeamsResolver: only the owner and admins see it. */
  inviteCode!: string;
}

@InputType()
export class CreateTeamInput {
  @Field({ description: '2–80 characters.' })
  name!: string;

  @Field({ description: "3–40 lower-case letters, digits or '-'; part of the team's URL." })
  slug!: string;
}
