import type { Box, RgbImage } from './image.js';

/** A region that may hold a plate, as a detector found it. */
export interface Detection {
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** Another box for the same plate (e.g. the whole plate around a character line), read too where the reader can. */
  alt?: Box;
}

/** One character position of a read: the best character and the runners-up, with probabilities. */
export interface CharGuess {
  char: string;
  p: number;
  alts: { char: string; p: number }[];
}

/** What a reader made of one region. */
export interface PlateText {
  /** Uppercase A–Z and 0–9 only. */
  text: string;
  /** Confidence of the whole string in [0, 1] (product-like, not a mean). */
  confidence: number;
  chars: CharGuess[];
  /** Other plausible strings, best first, not including `text`. */
  alternatives: { text: string; confidence: number }[];
  /** Two-letter US state when the reader can tell, else null. */
  state: string | null;
  /** The plate box in frame pixels (a reader may tighten the detector's box). */
  box: Box;
}

/** Finds plate-like regions in a frame. Implementations: PP-OCR text detection, the trained plate detector. */
export interface PlateDetector {
  readonly name: string;
  detect(image: RgbImage): Promise<Detection[]>;
  /**
   * A second, closer look, for a frame in which nothing `detect` found was read as a plate: the
   * regions a finer pass finds that `seen` (the first pass's detections) does not already cover.
   * Optional: detectors without one are not asked again.
   */
  lookCloser?(image: RgbImage, seen: Detection[]): Promise<Detection[]>;
}

/** Reads the plate in a region of a frame; null when the region holds no plate-like text. */
export interface PlateReader {
  readonly name: string;
  read(image: RgbImage, region: Detection): Promise<PlateText | null>;
}

/** Both halves together, as one frame's work: what the pipeline calls per frame. */
export interface FrameAnalyzer {
  /**
   * Detects and reads every plate in the frame. `roi` restricts detection (frame pixels).
   * Leaves `image` intact (a worker-thread implementation transfers a copy), because the
   * pipeline cuts the evidence crop from it afterwards.
   */
  analyze(image: RgbImage, roi?: Box): Promise<AnalyzedPlate[]>;
  /**
   * The same, with the frame's timing even when it holds no plate (metrics, bench, eval).
   * Optional so that simple fakes need only `analyze`.
   */
  analyzeFrame?(image: RgbImage, roi?: Box): Promise<FrameAnalysis>;
  close(): Promise<void>;
}

/** Where one frame's time went, in ms. */
export interface FrameTiming {
  detectMs: number;
  readMs: number;
}

/** One frame's result: the plates, best first, and its timing. */
export interface FrameAnalysis {
  plates: AnalyzedPlate[];
  timing: FrameTiming;
}

export interface AnalyzedPlate extends PlateText {
  detectionScore: number;
  /** Time spent on this frame, for metrics: detection and reading in ms. */
  timing?: { detectMs: number; readMs: number };
}
