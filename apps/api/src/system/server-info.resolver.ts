import { Query, Resolver } from '@nestjs/graphql';
import { ServerInfo } from './server-info.model';
import { ServerInfoService } from './server-info.service';

@Resolver(() => ServerInfo)
export class ServerInfoResolver {
  constructor(private readonly service: ServerInfoService) {}

  @Query(() => ServerInfo, { description: 'The server version and when it started.' })
  serverInfo(): ServerInfo {
    return this.service.current();
  }
}
