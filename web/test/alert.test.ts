import { alertLevelFor, CATEGORIES } from '../../daemon/api/web-constants.js';
import { LEVEL_STYLE, LEVEL_TONE, SoundGate } from '../src/logic/alert.js';

const MIN = 60_000;

describe('alert levels, colours and tones', () => {
  it('gives people at risk and officer-safety entries the top priority, stolen property high', () => {
    expect(alertLevelFor('amber_alert')).toBe('urgent');
    expect(alertLevelFor('missing_person')).toBe('urgent');
    expect(alertLevelFor('wanted_person')).toBe('urgent');
    expect(alertLevelFor('stolen_vehicle')).toBe('high');
    expect(alertLevelFor('stolen_plate')).toBe('high');
    expect(alertLevelFor('bolo')).toBe('normal');
    expect(alertLevelFor('a category from a newer list')).toBe('normal');
    for (const c of CATEGORIES) expect(['urgent', 'high', 'normal']).toContain(alertLevelFor(c));
  });

  it('labels each level in words and gives each its own colour class', () => {
    const styles = Object.values(LEVEL_STYLE);
    expect(styles.map((s) => s.label)).toEqual(['URGENT', 'HIGH', 'NORMAL']);
    expect(new Set(styles.map((s) => s.className)).size).toBe(3);
  });

  it('gives the top priority a tone no other level uses', () => {
    const sig = (level: keyof typeof LEVEL_TONE) => LEVEL_TONE[level].map((b) => `${b.wave}:${b.hz}`).join(',');
    expect(sig('urgent')).not.toBe(sig('high'));
    expect(sig('urgent')).not.toBe(sig('normal'));
    const urgentNotes = new Set(LEVEL_TONE.urgent.map((b) => b.hz));
    const others = [...LEVEL_TONE.high, ...LEVEL_TONE.normal];
    expect(others.some((b) => urgentNotes.has(b.hz) || b.wave === 'square')).toBe(false);
  });
});

describe('sound gate (mute and bursts)', () => {
  it('sounds every level when not muted', () => {
    const g = new SoundGate();
    expect(g.offer('normal', 0)).toBe(true);
    expect(g.offer('high', 10_000)).toBe(true);
    expect(g.offer('urgent', 20_000)).toBe(true);
  });

  it('silences high and normal hits while muted, but never the top priority', () => {
    const g = new SoundGate();
    g.mute(0, 5);
    expect(g.muteEnds(MIN)).toBe(5 * MIN);
    expect(g.offer('normal', MIN)).toBe(false);
    expect(g.offer('high', 2 * MIN)).toBe(false);
    expect(g.offer('urgent', 3 * MIN)).toBe(true);
  });

  it('sounds again once the mute has run out, or after unmute', () => {
    const g = new SoundGate();
    g.mute(0, 5);
    expect(g.offer('high', 5 * MIN - 1)).toBe(false);
    expect(g.muteEnds(5 * MIN)).toBeNull();
    expect(g.offer('high', 5 * MIN)).toBe(true);
    g.mute(6 * MIN, 15);
    g.unmute();
    expect(g.offer('normal', 7 * MIN)).toBe(true);
  });

  it('sounds a burst of hits once, unless a higher level arrives in it', () => {
    const g = new SoundGate(1500);
    const burst = Array.from({ length: 20 }, (_, i) => g.offer('normal', 1000 + i * 10));
    expect(burst.filter(Boolean)).toHaveLength(1);
    expect(g.offer('high', 1300)).toBe(true);
    expect(g.offer('high', 1400)).toBe(false);
    expect(g.offer('urgent', 1500)).toBe(true);
    expect(g.offer('normal', 5000)).toBe(true);
  });
});
