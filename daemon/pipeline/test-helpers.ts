import type { AnalyzedPlate, CharGuess } from '../vision/ports.js';
import type { Box } from '../vision/image.js';

/** A reader's output for `text`, every character at probability `p`. */
export function plate(text: string, p: number, box: Box, state: string | null = null): AnalyzedPlate {
  const chars: CharGuess[] = [...text].map((char) => ({ char, p, alts: [] }));
  return { text, confidence: p ** text.length, chars, alternatives: [], state, box, detectionScore: 0.9 };
}
