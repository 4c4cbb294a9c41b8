import { Module } from '@nestjs/common';
import { ServerInfoResolver } from './server-info.resolver';
import { ServerInfoService } from './server-info.service';

@Module({ providers: [ServerInfoResolver, ServerInfoService] })
export class SystemModule {}
