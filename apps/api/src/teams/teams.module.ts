import { Module } from '@nestjs/common';
import { TeamsResolver } from './teams.resolver';
import { TeamsService } from './teams.service';

@Module({ providers: [TeamsService, TeamsResolver], exports: [TeamsService] })
export class TeamsModule {}
