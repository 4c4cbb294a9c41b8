import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ArtifactStore } from './artifact-store';
import { createArtifactStore } from './create-artifact-store';
import type { S3StoreOptions } from './s3-artifact-store';

/** Injection token: `@Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore`. */
export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');

/** Provides one `ArtifactStore` for the application and closes its connections on shutdown. */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}

  static forRoot(location: string, s3?: S3StoreOptions, baseFolder?: string): DynamicModule {
    return {
      module: StorageModule,
      providers: [{ provide: ARTIFACT_STORE, useFactory: () => createArtifactStore(location, s3, baseFolder) }],
      exports: [ARTIFACT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
