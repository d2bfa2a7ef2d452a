import type { AlertLevel } from '../../daemon/api/web-constants.js';
import { LEVEL_TONE } from './logic/alert.js';

declare global {
  interface Window {
    /** Alert sounds started through Web Audio since the page loaded: the browser tests read it. */
    __alprAudioStarts?: number;
  }
}

/**
 * Plays the alert tones with Web Audio (nothing to download: the tones are synthesised).
 * Browsers start audio only after a user gesture, so the page calls unlock() from the login
 * button and from any click; until then `blocked` is true and the page says so.
 */
export class Sounder {
  private ctx: AudioContext | undefined;

  unlock(): void {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state === 'suspended') void this.ctx.resume();
    } catch {
      // no audio device: the page still shows every hit
    }
  }

  get blocked(): boolean {
    return this.ctx?.state !== 'running';
  }

  play(level: AlertLevel): void {
    this.unlock();
    const ctx = this.ctx;
    if (!ctx) return;
    const t0 = ctx.currentTime + 0.02;
    for (const b of LEVEL_TONE[level]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = b.wave;
      osc.frequency.value = b.hz;
      // A short ramp in and out avoids clicks.
      gain.gain.setValueAtTime(0, t0 + b.at);
      gain.gain.linearRampToValueAtTime(0.4, t0 + b.at + 0.01);
      gain.gain.setValueAtTime(0.4, t0 + b.at + b.length - 0.02);
      gain.gain.linearRampToValueAtTime(0, t0 + b.at + b.length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + b.at);
      osc.stop(t0 + b.at + b.length);
    }
    window.__alprAudioStarts = (window.__alprAudioStarts ?? 0) + 1;
  }
}
