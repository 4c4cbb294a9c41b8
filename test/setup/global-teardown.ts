import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.provingTestCluster;
  if (!cluster) return;
  await cluster.server.stop();
  rmSync(cluster.dataDir, { recursive: true, force: true });
}
