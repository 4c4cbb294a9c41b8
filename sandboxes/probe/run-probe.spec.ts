import { runProbe } from './run-probe';

describe('runProbe', () => {
  it('echoes the payload with the facts an operator checks about the process', async () => {
    const result = await runProbe({ probe: 'echo', payload: 'hello sandbox' });
    expect(result).toMatchObject({ probe: 'echo', echoed: 'hello sandbox', pid: process.pid, cwd: process.cwd() });
    // Outside a sandbox host (here: Jest) the environment is not empty; the host's int test checks 0.
    expect(result.envKeyCount).toBeGreaterThan(0);
    expect(result.cwdEntries).toBeGreaterThan(0);
    expect(result.addressSpaceLimitBytes === null || result.addressSpaceLimitBytes > 0).toBe(true);
    expect(result.endedAt).toBeGreaterThanOrEqual(result.startedAt);
  });

  it('waits delayMs before answering', async () => {
    const result = await runProbe({ probe: 'echo', delayMs: 50 });
    expect(result.endedAt - result.startedAt).toBeGreaterThanOrEqual(45);
    expect(result.echoed).toBeUndefined();
  });

  it('rejects an unknown probe and an out-of-range delay', async () => {
    await expect(runProbe({ probe: 'explode' as 'echo' })).rejects.toThrow('probe must be one of');
    await expect(runProbe({ probe: 'echo', delayMs: -1 })).rejects.toThrow('delayMs must be an integer');
  });
});
