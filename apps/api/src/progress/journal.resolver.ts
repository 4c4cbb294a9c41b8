import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { User } from '../users/user.model';
import { JournalEntry, JournalEntryConnection, JournalEntryInput, toJournalEntry } from './journal.model';
import { JournalService } from './journal.service';

@Resolver(() => JournalEntry)
export class JournalEntryResolver {
  constructor(private readonly entries: JournalService) {}

  @Query(() => JournalEntryConnection, { description: 'Your learning journal, newest first. Nobody else’s journal is listed here.' })
  async journal(@CurrentCaller() caller: Caller, @Args() args: ConnectionArgs): Promise<JournalEntryConnection> {
    const connection = await this.entries.list(caller, args.first, args.after);
    return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: toJournalEntry(edge.node) })) };
  }

  @Mutation(() => JournalEntry, { description: 'Writes a journal entry on your current day (in your time zone, see setTimeZone).' })
  async addJournalEntry(@CurrentCaller() caller: Caller, @Args('input') input: JournalEntryInput): Promise<JournalEntry> {
    return toJournalEntry(await this.entries.add(caller, input));
  }

  @Mutation(() => JournalEntry, { description: 'Rewrites one of your journal entries, within 24 hours of writing it.' })
  async editJournalEntry(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: JournalEntryInput,
  ): Promise<JournalEntry> {
    return toJournalEntry(await this.entries.edit(caller, id, input));
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'The IANA time zone the learner had chosen when writing it: to the learner only (null on a public portfolio).',
  })
  timeZone(@CurrentCaller() caller: Caller, @Parent() entry: JournalEntry): string | null {
    return this.entries.entryTimeZoneVisibleTo(caller, entry);
  }

  @ResolveField(() => Boolean, { description: 'Whether it is shown on your public portfolio (false until you publish it).' })
  isPublic(@Parent() entry: JournalEntry): Promise<boolean> {
    return this.entries.isPublic(entry);
  }
}

/** The time zone on User: the journal's days are counted in it. */
@Resolver(() => User)
export class UserTimeZoneResolver {
  constructor(private readonly journal: JournalService) {}

  @Mutation(() => User, {
    description: 'Sets the IANA time zone (e.g. Asia/Tokyo) your journal days are counted in; entries already written keep their day.',
  })
  setTimeZone(@CurrentCaller() caller: Caller, @Args('timeZone') timeZone: string): Promise<User> {
    return this.journal.setTimeZone(caller, timeZone);
  }

  @ResolveField(() => String, { nullable: true, description: 'IANA time zone of the user’s days. Only to the user and admins.' })
  timeZone(@CurrentCaller() caller: Caller, @Parent() user: User): Promise<string | null> {
    return this.journal.timeZoneVisibleTo(caller, user);
  }
}
