import type { AlertLevel } from '../../../daemon/api/web-constants.js';

/**
 * How each alert level looks and sounds. Colour is never the only sign: every card also says its
 * level in words, for colour-blind users and washed-out screens in daylight.
 */
export interface LevelStyle {
  label: string;
  /** CSS class on the hit card (styles.css). */
  className: string;
}

export const LEVEL_STYLE: Record<AlertLevel, LevelStyle> = {
  urgent: { label: 'URGENT', className: 'level-urgent' },
  high: { label: 'HIGH', className: 'level-high' },
  normal: { label: 'NORMAL', className: 'level-normal' },
};

/** One beep of a tone: frequency, start offset and length in seconds, oscillator shape. */
export interface Beep {
  hz: number;
  at: number;
  length: number;
  wave: 'sine' | 'square' | 'triangle';
}

/**
 * The tone of each level. The top priority has its own two-note siren in a square wave, so it is
 * told apart from the others without looking; high is two beeps, normal one soft beep.
 */
export const LEVEL_TONE: Record<AlertLevel, Beep[]> = {
  urgent: [
    { hz: 988, at: 0, length: 0.18, wave: 'square' },
    { hz: 740, at: 0.2, length: 0.18, wave: 'square' },
    { hz: 988, at: 0.4, length: 0.18, wave: 'square' },
    { hz: 740, at: 0.6, length: 0.18, wave: 'square' },
  ],
  high: [
    { hz: 660, at: 0, length: 0.15, wave: 'triangle' },
    { hz: 660, at: 0.25, length: 0.15, wave: 'triangle' },
  ],
  normal: [{ hz: 523, at: 0, length: 0.2, wave: 'sine' }],
};

const RANK: Record<AlertLevel, number> = { urgent: 3, high: 2, normal: 1 };

export function higherLevel(a: AlertLevel, b: AlertLevel): AlertLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Mute lengths offered on the page, minutes. */
export const MUTE_MINUTES = [5, 15, 30] as const;

/**
 * Decides which hits make a sound. Muting silences high and normal hits until `mutedUntil`; an
 * urgent hit always sounds. A burst (a list update raising many retrospective hits at once)
 * sounds once: a hit within `burstMs` of the last sound is quiet unless it is of a higher level.
 */
export class SoundGate {
  private mutedUntil = 0;
  private last: { at: number; level: AlertLevel } | undefined;

  constructor(private readonly burstMs = 1500) {}

  mute(now: number, minutes: number): void {
    this.mutedUntil = now + minutes * 60_000;
  }

  unmute(): void {
    this.mutedUntil = 0;
  }

  /** Epoch ms the mute ends, or null when not muted at `now`. */
  muteEnds(now: number): number | null {
    return this.mutedUntil > now ? this.mutedUntil : null;
  }

  /** True when a hit of `level` arriving at `now` should sound; records it when it does. */
  offer(level: AlertLevel, now: number): boolean {
    if (level !== 'urgent' && this.mutedUntil > now) return false;
    const l = this.last;
    if (l && now - l.at < this.burstMs && RANK[level] <= RANK[l.level]) return false;
    this.last = { at: now, level };
    return true;
  }
}
