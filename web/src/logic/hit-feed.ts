import type { WebHit } from '../../../daemon/api/web-contract.js';

/** Hits kept on the page; older ones stay reachable through search. */
export const MAX_HITS_SHOWN = 200;

/** The hit list: newest first, one entry per hit id, the latest version of each. */
export interface HitFeed {
  hits: WebHit[];
  /** The newest cursor seen: after a reconnect, the page asks for the hits after it. */
  cursor: string | null;
}

export const EMPTY_FEED: HitFeed = { hits: [], cursor: null };

/**
 * Merges hits from the event stream or a catch-up fetch. A hit already shown is replaced (a
 * disposition or verification update), never duplicated; `fresh` lists the ids new to the page,
 * so only those sound.
 */
export function mergeHits(feed: HitFeed, incoming: WebHit[]): { feed: HitFeed; fresh: WebHit[] } {
  if (incoming.length === 0) return { feed, fresh: [] };
  const byId = new Map(feed.hits.map((h) => [h.id, h]));
  const fresh: WebHit[] = [];
  let cursor = feed.cursor;
  for (const h of incoming) {
    if (!byId.has(h.id)) fresh.push(h);
    byId.set(h.id, h);
    // Cursors are opaque to the page. The stream and a catch-up both send new hits in recording
    // order, so the last new one is the newest; updates of older hits carry older cursors and are
    // skipped. Should a race move the cursor back, the next catch-up only repeats hits merged away here.
    if (!feed.hits.some((x) => x.id === h.id)) cursor = h.cursor;
  }
  const hits = [...byId.values()]
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
    .slice(0, MAX_HITS_SHOWN);
  return { feed: { hits, cursor }, fresh };
}
