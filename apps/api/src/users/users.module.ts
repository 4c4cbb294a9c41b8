import { Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

@Module({ imports: [TeamsModule], providers: [UsersService, UsersResolver] })
export class UsersModule {}
