import { ArgsType, Field, Int } from '@nestjs/graphql';
import { DEFAULT_PAGE_SIZE } from './page-size';

/**
 * `first` and `after` of every list (Relay connections). The 1–100 range of `first` is enforced
 * before any resolver runs, by `pageSizeRule` (validation, with the request's variables); `first`
 * is non-null with a default, so it may be omitted but not sent as null.
 */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: 'How many items to return: 1–100 (default 20).' })
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, {
    nullable: true,
    description: 'Return the items after this cursor (an `endCursor` or edge `cursor` from an earlier page).',
  })
  after?: string | null;
}
