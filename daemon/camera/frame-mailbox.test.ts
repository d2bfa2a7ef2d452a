import { FrameMailbox } from './frame-mailbox.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('FrameMailbox', () => {
  test('a slow consumer gets the newest frame and older unread ones are dropped and counted', async () => {
    const seen: number[] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const box = new FrameMailbox<number>(
      async (n) => {
        seen.push(n);
        const g = deferred();
        gates.push(g);
        await g.promise;
      },
      () => {},
    );
    for (let i = 0; i < 10; i++) box.put(i);
    expect(seen).toEqual([0]);
    gates[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([0, 9]);
    expect(box.dropped).toBe(8);
    gates[1]!.resolve();
    await box.close();
    expect(box.delivered).toBe(2);
  });

  test('a fast consumer loses nothing', async () => {
    const seen: number[] = [];
    const box = new FrameMailbox<number>(
      async (n) => void seen.push(n),
      () => {},
    );
    for (let i = 0; i < 5; i++) {
      box.put(i);
      await new Promise((r) => setImmediate(r));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(box.dropped).toBe(0);
  });

  test('a throwing consumer is reported and the next frame is still delivered', async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const box = new FrameMailbox<number>(
      async (n) => {
        seen.push(n);
        if (n === 1) throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    box.put(1);
    await new Promise((r) => setImmediate(r));
    box.put(2);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
  });

  test('close waits for the frame in hand and then accepts nothing', async () => {
    const g = deferred();
    let finished = false;
    const box = new FrameMailbox<number>(
      async () => {
        await g.promise;
        finished = true;
      },
      () => {},
    );
    box.put(1);
    box.put(2);
    const closed = box.close();
    g.resolve();
    await closed;
    expect(finished).toBe(true);
    box.put(3);
    expect(box.delivered).toBe(1);
  });
});
