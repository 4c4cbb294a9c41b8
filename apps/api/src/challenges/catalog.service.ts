import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { catalogLocation, loadCatalog, toStoredChallenge, type CatalogChallenge } from '@app/catalog';
import { projectRoot } from '@app/config';
import { ChallengeRepository, TransactionRunner, type SyncOutcome } from '@app/db';
import { CommonErrorCode, DomainError, Operation } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';

/**
 * The challenge catalog of this build (libs/catalog), loaded and validated once, and its sync
 * into the database (at every start and on `syncCatalog`).
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger('Catalog');
  private loaded: CatalogChallenge[] | undefined;

  constructor(
    private readonly challenges: ChallengeRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Every challenge of this build. @throws CatalogError listing every invalid definition */
  catalog(): CatalogChallenge[] {
    this.loaded ??= loadCatalog(catalogLocation(projectRoot()));
    return this.loaded;
  }

  /** Syncs the catalog into the database: new versions for changed definitions. */
  async sync(): Promise<SyncOutcome> {
    const entries = this.catalog().map(toStoredChallenge);
    const outcome = await this.transactions.run((tx) => this.challenges.sync(entries, tx));
    this.logger.log(
      `catalog synced: ${outcome.created.length} new, ${outcome.updated.length} new versions, ${outcome.unchanged.length} unchanged, ${outcome.retired.length} retired`,
    );
    return outcome;
  }

  /** `syncCatalog`: re-reads the catalog from disk (ADMIN). */
  async syncAsAdmin(caller: Caller): Promise<SyncOutcome> {
    this.authorization.authorize(caller, Operation.SyncCatalog);
    this.loaded = undefined;
    return this.sync();
  }

  /**
   * An asset's bytes, checked against the sha256 the catalog recorded (a file changed on disk
   * since start is refused rather than served under the old hash). @throws NOT_FOUND
   */
  async assetBytes(slug: string, name: string): Promise<{ bytes: Buffer; sha256: string }> {
    const asset = this.catalog()
      .find((challenge) => challenge.definition.slug === slug)
      ?.assets.find((candidate) => candidate.name === name);
    if (!asset) throw new DomainError(CommonErrorCode.NotFound, `challenge ${slug} has no asset ${name}`);
    const bytes = await readFile(asset.path);
    if (createHash('sha256').update(bytes).digest('hex') !== asset.sha256) {
      throw new DomainError(CommonErrorCode.Unavailable, `asset ${name} changed on disk since start; an admin must run syncCatalog`);
    }
    return { bytes, sha256: asset.sha256 };
  }
}
