import { Tracker, editDistance, predictedBox } from './tracker.js';
import { plate } from './test-helpers.js';

const frame = { width: 1280, height: 720, data: new Uint8Array(0) };
const s = (ts: number, text: string, x: number, w = 120) => ({
  ts,
  frame,
  plate: plate(text, 0.9, { x, y: 400, w, h: w / 3 }),
});

describe('tracker', () => {
  const opts = { iouMatch: 0.1, timeoutMs: 1000, maxTrackMs: 30_000 };

  it('follows one approaching plate across frames into one track', () => {
    const t = new Tracker(opts);
    for (let i = 0; i < 8; i++)
      expect(t.update(i * 200, [s(i * 200, 'ABC1234', 300 + i * 15, 100 + i * 10)])).toEqual([]);
    const ended = t.expire(1400 + 1000);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.sightings).toHaveLength(8);
  });

  it('keeps two plates in the same frames apart', () => {
    const t = new Tracker(opts);
    for (let i = 0; i < 4; i++)
      t.update(i * 200, [s(i * 200, 'ABC1234', 100 + i * 5), s(i * 200, 'XYZ987', 900 - i * 5)]);
    const ended = t.flush();
    expect(ended.map((e) => e.sightings.length)).toEqual([4, 4]);
  });

  it('joins a fast plate that jumped past its own box when the text matches', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'ABC1234', 100)]);
    t.update(200, [s(200, 'ABC1Z34', 300)]);
    expect(t.flush()).toHaveLength(1);
  });

  it('ends a track when the frames analysed miss the plate for the timeout, and starts a new one for the next car', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'ABC1234', 100)]);
    for (let ts = 200; ts < 1000; ts += 200) expect(t.update(ts, [])).toEqual([]);
    expect(t.update(1000, [])).toHaveLength(1);
    t.update(1200, [s(1200, 'ABC1234', 100)]);
    expect(t.active).toBe(1);
  });

  it('follows a plate into the next frame analysed even when analysis took longer than the timeout', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'ABC1234', 100)]);
    expect(t.update(1500, [s(1500, 'ABC1Z34', 130)])).toEqual([]);
    expect(t.update(3000, [])).toHaveLength(1);
    expect(t.active).toBe(0);
  });

  it('after a gap longer than the timeout, lets another text at the same place start its own track', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'ABC1234', 100)]);
    const ended = t.update(1500, [s(1500, 'XYZ987', 100)]);
    expect(ended.map((e) => e.sightings[0]!.plate.text)).toEqual(['ABC1234']);
    expect(t.active).toBe(1);
  });

  it('keeps the pixels of only the best sighting', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'ABC1234', 100, 80)]);
    t.update(200, [s(200, 'ABC1234', 105, 200)]);
    const [track] = t.flush();
    expect(track!.best.plate.box.w).toBe(200);
    expect(track!.sightings.every((x) => x.frame.data.length === 0)).toBe(true);
  });

  it('starts one track, not two, when the detector reports the same plate twice in a frame', () => {
    const t = new Tracker(opts);
    for (let i = 0; i < 3; i++) {
      const whole = s(i * 200, 'ABC1234', 300 + i * 10, 120);
      const window = {
        ...s(i * 200, 'BC1234', 330 + i * 10, 80),
        plate: { ...s(0, 'BC1234', 330 + i * 10, 80).plate, confidence: 0.5 },
      };
      t.update(i * 200, [window, whole]);
    }
    const ended = t.flush();
    expect(ended).toHaveLength(1);
    expect(ended[0]!.sightings.map((x) => x.plate.text)).toEqual(['ABC1234', 'ABC1234', 'ABC1234']);
  });

  it('keeps following the plate, not the state banner that now overlaps its last box', () => {
    const t = new Tracker(opts);
    t.update(0, [s(0, 'BKR4721', 636, 60)]);
    // The car came closer: the plate moved down, and "COLORADO" read as "O0" sits where the plate was.
    const banner = { ts: 200, frame, plate: plate('O0', 0.3, { x: 640, y: 398, w: 55, h: 18 }) };
    t.update(200, [banner, { ts: 200, frame, plate: plate('BK4721', 0.8, { x: 635, y: 421, w: 72, h: 24 }) }]);
    const tracks = t.flush();
    const plateTrack = tracks.find((x) => x.sightings[0]!.plate.text === 'BKR4721')!;
    expect(plateTrack.sightings.map((x) => x.plate.text)).toEqual(['BKR4721', 'BK4721']);
    expect(tracks).toHaveLength(2);
  });

  it("joins the banner read alone as the plate leaves the frame to the plate's track, where the plate was heading", () => {
    const t = new Tracker(opts);
    const at = (ts: number, text: string, box: { x: number; y: number; w: number; h: number }) => ({
      ts,
      frame,
      plate: plate(text, 0.9, box),
    });
    t.update(0, [at(0, 'BKR4721', { x: 627, y: 524, w: 204, h: 32 })]);
    t.update(200, [at(200, 'BKR4721', { x: 623, y: 580, w: 253, h: 40 })]);
    // Next frame the characters are below the picture; only "COLORADO" is left, read as RAD0,
    // overlapping the plate's last box by IoU 0.08, its centre on the plate where the plate moved to.
    t.update(400, [at(400, 'RAD0', { x: 673, y: 613, w: 170, h: 32 })]);
    const tracks = t.flush();
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.sightings.map((x) => x.plate.text)).toEqual(['BKR4721', 'BKR4721', 'RAD0']);
  });

  it('predicts a single-sighting track where it was, and a moving one along its path', () => {
    const one = {
      lastBox: { x: 10, y: 10, w: 20, h: 10 },
      sightings: [{ ts: 0, frame, plate: plate('A1', 0.9, { x: 10, y: 10, w: 20, h: 10 }) }],
    };
    expect(predictedBox(one, 500)).toEqual(one.lastBox);
    const two = {
      lastBox: { x: 20, y: 10, w: 20, h: 10 },
      sightings: [one.sightings[0]!, { ts: 100, frame, plate: plate('A1', 0.9, { x: 20, y: 10, w: 20, h: 10 }) }],
    };
    expect(predictedBox(two, 200)).toEqual({ x: 30, y: 10, w: 20, h: 10 });
    // No further than two steps ahead, however long the gap.
    expect(predictedBox(two, 10_000)).toEqual({ x: 40, y: 10, w: 20, h: 10 });
  });

  it('measures edit distance', () => {
    expect(editDistance('ABC1234', 'ABC1234')).toBe(0);
    expect(editDistance('ABC1234', 'AB1234')).toBe(1);
    expect(editDistance('ABC1234', 'A8C1Z34')).toBe(2);
  });
});
