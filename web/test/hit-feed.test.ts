import { EMPTY_FEED, MAX_HITS_SHOWN, mergeHits } from '../src/logic/hit-feed.js';
import { sampleHit } from './sample-hit.js';

const hit = (n: number, over = {}) =>
  sampleHit({
    id: `hit-${n}`,
    cursor: String(n),
    created_at: new Date(Date.UTC(2026, 10, 28, 14, 0, n)).toISOString(),
    ...over,
  });

describe('hit feed', () => {
  it('lists hits newest first and keeps the newest cursor for catching up', () => {
    const { feed, fresh } = mergeHits(EMPTY_FEED, [hit(1), hit(2), hit(3)]);
    expect(feed.hits.map((h) => h.id)).toEqual(['hit-3', 'hit-2', 'hit-1']);
    expect(fresh.map((h) => h.id)).toEqual(['hit-1', 'hit-2', 'hit-3']);
    expect(feed.cursor).toBe('3');
  });

  it('does not repeat a hit that arrives both live and in the catch-up after a reconnect', () => {
    const live = mergeHits(EMPTY_FEED, [hit(1), hit(2)]).feed;
    const { feed, fresh } = mergeHits(live, [hit(2), hit(3)]);
    expect(feed.hits.map((h) => h.id)).toEqual(['hit-3', 'hit-2', 'hit-1']);
    expect(fresh.map((h) => h.id)).toEqual(['hit-3']);
  });

  it('replaces a hit with its update (a verification) without sounding it again', () => {
    const first = mergeHits(EMPTY_FEED, [hit(1), hit(2)]).feed;
    const confirmed = hit(1, {
      verification: {
        status: 'confirmed',
        by: 'deputy',
        at: '2026-11-28T14:35:00.000Z',
        reference: 'CBI-42',
        note: '',
        case_number: 'CR26-1',
      },
    });
    const { feed, fresh } = mergeHits(first, [confirmed]);
    expect(fresh).toEqual([]);
    expect(feed.hits).toHaveLength(2);
    expect(feed.hits.find((h) => h.id === 'hit-1')?.verification.status).toBe('confirmed');
    expect(feed.cursor).toBe('2');
  });

  it(`keeps at most ${MAX_HITS_SHOWN} hits on the page, dropping the oldest`, () => {
    const many = Array.from({ length: MAX_HITS_SHOWN + 5 }, (_, i) => hit(i));
    const { feed } = mergeHits(EMPTY_FEED, many);
    expect(feed.hits).toHaveLength(MAX_HITS_SHOWN);
    expect(feed.hits.at(-1)?.id).toBe('hit-5');
  });
});
