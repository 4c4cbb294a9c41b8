import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { JournalEntry } from './journal.model';
import { Portfolio, PortfolioCertificate, PortfolioReport, VisibilityInput } from './portfolio.model';
import { PortfolioService } from './portfolio.service';
import { Progress } from './progress.model';

@Resolver(() => Portfolio)
export class PortfolioResolver {
  constructor(private readonly portfolios: PortfolioService) {}

  @Query(() => Portfolio, {
    nullable: true,
    description: "A learner's public portfolio: only what they made public (no sign-in needed); null for an unknown handle.",
  })
  portfolio(@Args('handle') handle: string): Promise<Pick<Portfolio, 'handle' | 'userId'> | null> {
    return this.portfolios.portfolio(handle);
  }

  @Mutation(() => Boolean, {
    description:
      'Shows one of your items on your public portfolio (public: true) or makes it private again at once; answers whether it is public now.',
  })
  setVisibility(@CurrentCaller() caller: Caller, @Args('input') input: VisibilityInput): Promise<boolean> {
    return this.portfolios.setVisibility(caller, input);
  }

  @ResolveField(() => [PortfolioCertificate])
  certificates(@Parent() portfolio: Pick<Portfolio, 'userId'>): Promise<PortfolioCertificate[]> {
    return this.portfolios.certificates(portfolio.userId);
  }

  @ResolveField(() => [PortfolioReport])
  reports(@Parent() portfolio: Pick<Portfolio, 'userId'>): Promise<PortfolioReport[]> {
    return this.portfolios.reports(portfolio.userId);
  }

  @ResolveField(() => Progress, { nullable: true })
  streaks(@Parent() portfolio: Pick<Portfolio, 'userId'>): Promise<Progress | null> {
    return this.portfolios.streaks(portfolio.userId);
  }

  @ResolveField(() => [JournalEntry])
  journal(@Parent() portfolio: Pick<Portfolio, 'userId'>): Promise<JournalEntry[]> {
    return this.portfolios.journal(portfolio.userId);
  }
}
