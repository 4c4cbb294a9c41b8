import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'What a client may know about the server it talks to.' })
export class ServerInfo {
  @Field({ description: 'Proving Ground version (package.json).' })
  version!: string;

  @Field({ description: 'When this server process started.' })
  startedAt!: Date;
}
