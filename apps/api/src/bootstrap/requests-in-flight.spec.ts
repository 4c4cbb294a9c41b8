import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { RequestsInFlight } from './requests-in-flight';

const response = () => new EventEmitter() as unknown as ServerResponse;

describe('RequestsInFlight', () => {
  it('settles when the last tracked response closes, not before', async () => {
    const requests = new RequestsInFlight();
    const [a, b] = [response(), response()];
    requests.track(a);
    requests.track(b);
    let settled: number | undefined;
    const waiting = requests.settled(60_000).then((left) => (settled = left));
    a.emit('close');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBeUndefined();
    b.emit('close');
    await waiting;
    expect(settled).toBe(0);
    expect(requests.size).toBe(0);
  });

  it('gives up after the timeout and says how many are still running', async () => {
    const requests = new RequestsInFlight();
    requests.track(response());
    expect(await requests.settled(20)).toBe(1);
  });

  it('settles at once when nothing is in flight', async () => {
    expect(await new RequestsInFlight().settled(60_000)).toBe(0);
  });
});
