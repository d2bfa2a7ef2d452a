import type { Box } from './image.js';
import type { FrameAnalysis } from './ports.js';

/** Messages between WorkerPoolAnalyzer and analyzer-worker.ts (structured clone). */
export interface WorkerInit {
  type: 'init';
  modelsDir: string;
  detector: string;
  reader: string;
  detectLongSide: number;
  plateLongSide: number;
  plateRetryLongSide: number;
  /** config vision.plate_syntax (a manifest name or "none"). */
  plateSyntax: string;
  /** config pipeline.min_confidence: a frame none of whose reads reaches it gets the closer look. */
  minConfidence: number;
}

/** A frame; `data` is transferred (the sender no longer has it). */
export interface WorkerRequest {
  type: 'frame';
  id: number;
  width: number;
  height: number;
  data: ArrayBuffer;
  roi?: Box;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; name: string; message: string }
  | { type: 'result'; id: number; analysis: FrameAnalysis }
  | { type: 'error'; id: number; message: string };
