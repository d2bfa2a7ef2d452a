import type { PlateSyntax } from '../vision/plate-syntax.js';

/**
 * What a vehicle pass must show to be stored as a read. Printing that is not a plate (a dealer's
 * frame, a bumper sticker, a speed sign, a camera's time stamp) is read now and then, usually in
 * one or two frames and without much confidence; such reads pollute searches and can match a
 * broad wildcard entry.
 */
export interface ReadRule {
  /** Plate lengths, after normalisation (A–Z and 0–9 only). */
  minLength: number;
  maxLength: number;
  /**
   * Lengths at which a plate of digits only is plausible (the shape prior's counts); null: no
   * prior, every length in range is.
   */
  allDigitLengths: ReadonlySet<number> | null;
  /** A pass seen in at least this many frames is confirmed by them. */
  confirmFrames: number;
  /** A pass seen in fewer frames must be read at least this surely (pipeline.single_frame_confidence). */
  sureConfidence: number;
}

export type ReadVerdict = { keep: true } | { keep: false; reason: 'not_plate_shaped' | 'unconfirmed' };

/** The rule with the configured threshold and the shape prior's all-digit lengths (none without a prior). */
export function readRule(sureConfidence: number, syntax: PlateSyntax | null = null): ReadRule {
  return {
    minLength: 2,
    maxLength: 8,
    allDigitLengths: syntax ? allDigitLengths(syntax) : null,
    confirmFrames: 2,
    sureConfidence,
  };
}

/** The lengths at which real plates of digits only were counted (plate-syntax-us: 3 to 7). */
export function allDigitLengths(syntax: PlateSyntax): ReadonlySet<number> {
  const lengths = new Set<number>();
  for (const [shape, n] of Object.entries(syntax.file.shapes))
    if (n > 0 && /^D+$/.test(shape)) lengths.add(shape.length);
  return lengths;
}

/** Plate text as stored and matched: upper case, letters and digits only. */
export function normalizeReadText(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether `text` could be a plate: 2–8 characters, with a letter or a plausible number of digits. */
export function plateShaped(text: string, rule: ReadRule): boolean {
  const t = normalizeReadText(text);
  if (t.length < rule.minLength || t.length > rule.maxLength) return false;
  if (/[A-Z]/.test(t)) return true;
  return rule.allDigitLengths === null || rule.allDigitLengths.has(t.length);
}

/**
 * Keep a pass when its text is plate-shaped and it was seen in enough frames or read surely
 * enough. Pure: the pipeline applies it to each voted pass before storing it.
 */
export function judgeRead(read: { text: string; frames: number; confidence: number }, rule: ReadRule): ReadVerdict {
  if (!plateShaped(read.text, rule)) return { keep: false, reason: 'not_plate_shaped' };
  if (read.frames < rule.confirmFrames && read.confidence < rule.sureConfidence)
    return { keep: false, reason: 'unconfirmed' };
  return { keep: true };
}
