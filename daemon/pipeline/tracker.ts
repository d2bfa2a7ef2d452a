import { iou, type Box } from '../vision/image.js';
import type { AnalyzedPlate } from '../vision/ports.js';

/** One plate as seen in one frame, with what is needed to cut its crop later. */
export interface Sighting {
  ts: number;
  plate: AnalyzedPlate;
  /** The frame it was seen in; only the best sighting's frame is kept alive. */
  frame: { width: number; height: number; data: Uint8Array };
}

export interface Track {
  id: number;
  firstSeen: number;
  lastSeen: number;
  lastBox: Box;
  sightings: Sighting[];
  best: Sighting;
}

export interface TrackerOptions {
  iouMatch: number;
  timeoutMs: number;
  maxTrackMs: number;
}

/**
 * Follows plates across frames so one vehicle pass becomes one read. A sighting joins the track
 * whose last box overlaps it most (IoU ≥ iouMatch), preferring the same text; at low frame rates
 * a fast car moves further than its own width, so a near box with nearly the same text also joins.
 *
 * Time is the frames' own capture time, and a track ends only in a frame analysed without it:
 * when that frame is timeoutMs or more after its last sighting, or after maxTrackMs (a parked car
 * yields a read per window rather than none). On a busy CPU analysed frames can be further apart
 * than the timeout; a plate is then still followed into the next one, but only by the same text.
 */
export class Tracker {
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(private readonly options: TrackerOptions) {}

  /** Adds one frame's plates; returns the tracks that ended as of `ts`. */
  update(ts: number, found: Sighting[]): Track[] {
    const sightings = suppressOverlaps(found);
    const free = new Set(this.tracks);
    const pairs: { track: Track; s: Sighting; score: number }[] = [];
    for (const s of sightings) {
      for (const track of this.tracks) {
        // Not looked at for longer than the timeout: only its own text may continue it, since
        // another car may since have come to where it was.
        const overdue = ts - track.lastSeen >= this.options.timeoutMs;
        const score = matchScore(track, s, this.options.iouMatch, overdue);
        if (score > 0) pairs.push({ track, s, score });
      }
    }
    pairs.sort((a, b) => b.score - a.score);
    const placed = new Set<Sighting>();
    for (const { track, s } of pairs) {
      if (!free.has(track) || placed.has(s)) continue;
      free.delete(track);
      placed.add(s);
      this.extend(track, s);
    }
    for (const s of sightings) {
      if (placed.has(s)) continue;
      this.tracks.push({
        id: this.nextId++,
        firstSeen: s.ts,
        lastSeen: s.ts,
        lastBox: s.plate.box,
        sightings: [{ ...s, frame: EMPTY_FRAME }],
        best: s,
      });
    }
    // Every track this frame did not continue has now been looked for and missed.
    return this.expire(ts);
  }

  /** Ends the tracks that timed out by `now` as if a frame at `now` had been analysed without them. */
  expire(now: number): Track[] {
    const done = this.tracks.filter(
      (t) => now - t.lastSeen >= this.options.timeoutMs || t.lastSeen - t.firstSeen >= this.options.maxTrackMs,
    );
    if (done.length) this.tracks = this.tracks.filter((t) => !done.includes(t));
    return done;
  }

  /** Ends every track (shutdown, stream end). */
  flush(): Track[] {
    const all = this.tracks;
    this.tracks = [];
    return all;
  }

  get active(): number {
    return this.tracks.length;
  }

  private extend(track: Track, s: Sighting): void {
    track.lastSeen = s.ts;
    track.lastBox = s.plate.box;
    // Keep the text evidence of every sighting, but drop the pixels of all but the best one.
    track.sightings.push({ ...s, frame: EMPTY_FRAME });
    if (quality(s) > quality(track.best)) track.best = s;
  }
}

const EMPTY_FRAME = { width: 0, height: 0, data: new Uint8Array(0) };

/**
 * Two plates cannot overlap in one frame: when a detector reports the same plate twice (a whole
 * frame box and a window box, or a box and part of it), keep the better read, so one vehicle
 * never starts two tracks.
 */
export function suppressOverlaps(sightings: Sighting[]): Sighting[] {
  const kept: Sighting[] = [];
  for (const s of [...sightings].sort((a, b) => quality(b) - quality(a))) {
    if (!kept.some((k) => overlapping(k.plate.box, s.plate.box))) kept.push(s);
  }
  return kept;
}

function overlapping(a: Box, b: Box): boolean {
  const centreIn = (o: Box, p: Box): boolean => {
    const cx = p.x + p.w / 2;
    const cy = p.y + p.h / 2;
    return cx >= o.x && cx <= o.x + o.w && cy >= o.y && cy <= o.y + o.h;
  };
  return iou(a, b) > 0.2 || centreIn(a, b) || centreIn(b, a);
}

/** Crop quality: a confident read of a large plate makes the best evidence picture. */
function quality(s: Sighting): number {
  return s.plate.confidence * Math.sqrt(s.plate.box.w * s.plate.box.h);
}

/**
 * How well a sighting continues a track. Overlap decides first, but the text breaks ties the
 * right way: a read of the state banner just above the plate can overlap the plate's last box
 * more than the plate's own next box does (it moves down the frame as the car comes closer),
 * so an overlapping box with different text scores below a nearby box with the same text.
 */
function matchScore(track: Track, s: Sighting, iouMatch: number, sameTextOnly = false): number {
  const lastText = track.sightings[track.sightings.length - 1]!.plate.text;
  const longer = Math.max(lastText.length, s.plate.text.length);
  const sameText = editDistance(lastText, s.plate.text) <= Math.max(1, Math.floor(longer / 3));
  if (sameTextOnly && !sameText) return 0;
  const overlap = iou(track.lastBox, s.plate.box);
  if (overlap >= iouMatch) return (1 + overlap) * (sameText ? 2 : 0.25);
  // At low frame rates a fast car moves further than its own width: a near box with the same text.
  const a = track.lastBox;
  const b = s.plate.box;
  const dist = Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
  const reach = 2.5 * Math.max(a.w, b.w);
  if (sameText) return dist <= reach ? 1 + 0.5 * (1 - dist / reach) : 0;
  // Other text on the plate where the plate was heading (its state name or slogan, a line above or
  // below the characters) is the same vehicle: the last thing read of a car leaving the picture is
  // often its state name, once the characters are out of the frame.
  const p = predictedBox(track, s.ts);
  const cx = b.x + b.w / 2,
    cy = b.y + b.h / 2;
  return cx >= p.x && cx <= p.x + p.w && cy >= p.y - p.h && cy <= p.y + 2 * p.h ? 0.2 : 0;
}

/**
 * Where the track's plate should be at `ts` if it keeps moving and growing as between its last two
 * sightings (the last box when there is only one). A car close to the camera moves a large part of
 * its plate's height between frames: without this, the state name read alone in the frame where the
 * characters have left the picture overlaps too little with the plate's last box to join its track,
 * and becomes a read of its own.
 */
export function predictedBox(track: Pick<Track, 'sightings' | 'lastBox'>, ts: number): Box {
  const n = track.sightings.length;
  if (n < 2) return track.lastBox;
  const a = track.sightings[n - 2]!,
    b = track.sightings[n - 1]!;
  const span = b.ts - a.ts;
  if (span <= 0) return track.lastBox;
  const k = Math.min(2, (ts - b.ts) / span);
  const p = a.plate.box,
    q = b.plate.box;
  const w = Math.max(1, q.w + (q.w - p.w) * k),
    h = Math.max(1, q.h + (q.h - p.h) * k);
  const cx = q.x + q.w / 2 + (q.x + q.w / 2 - (p.x + p.w / 2)) * k;
  const cy = q.y + q.h / 2 + (q.y + q.h / 2 - (p.y + p.h / 2)) * k;
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
