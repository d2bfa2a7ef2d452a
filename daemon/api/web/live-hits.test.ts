import type { PageAccess, PageHit } from '../../access/page-access.js';
import { ManualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { LiveHits } from './live-hits.js';

/** Hits as the page's access returns them: only `row` and the hit's id matter to the hub. */
class FakeHits {
  rows: number[] = [];
  reads = 0;
  add(): number {
    const row = (this.rows.at(-1) ?? 0) + 1;
    this.rows.push(row);
    return row;
  }
  asPage(): PageAccess {
    return {
      lastHitRow: () => this.rows.at(-1) ?? 0,
      hitsForPush: (after: number) => {
        this.reads++;
        return this.rows.filter((r) => r > after).map((row) => ({ row, hit: { id: `h${row}` } }) as PageHit);
      },
    } as unknown as PageAccess;
  }
}

describe('LiveHits', () => {
  it('pushes a hit recorded elsewhere to an open stream on the next backstop poll of the clock', () => {
    const clock = new ManualClock(0);
    const hits = new FakeHits();
    const live = new LiveHits(hits.asPage(), clock, silentLogger(), 1000);
    live.start();
    const got: number[] = [];
    live.subscribe({ deliver: (_event, h) => void got.push(h.row) });
    const row = hits.add();
    clock.advance(999);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual([row]);
    live.stop();
  });

  it('gives a stream opened later only the hits recorded after it opened, and does not read while none is open', () => {
    const clock = new ManualClock(0);
    const hits = new FakeHits();
    const live = new LiveHits(hits.asPage(), clock, silentLogger(), 1000);
    live.start();
    hits.add();
    clock.advance(3 * 86_400_000);
    expect(hits.reads).toBe(0);
    const got: number[] = [];
    live.subscribe({ deliver: (_event, h) => void got.push(h.row) });
    const later = hits.add();
    clock.advance(1000);
    expect(got).toEqual([later]);
    live.stop();
  });
});
