/** One decoded frame from a camera. */
export interface Frame {
  cameraId: string;
  /** Sequence number within this source's life, starting at 0. */
  seq: number;
  /** Wall-clock capture time, ms since the epoch (arrival time at the unit). */
  ts: number;
  width: number;
  height: number;
  /** rgb24, width*height*3 bytes. */
  data: Uint8Array;
}

export interface FrameSourceStats {
  framesIn: number;
  /** Frames thrown away because analysis was busy (the newest frame wins). */
  framesDropped: number;
  restarts: number;
  connected: boolean;
  lastFrameAt: number | null;
}

/**
 * A camera as the pipeline sees it. The source owns reconnection; it never throws to the caller
 * after `start` resolves: a broken stream is retried inside and shows in `stats()`.
 */
export interface FrameSource {
  readonly cameraId: string;
  /** Begins delivering frames to `onFrame`. `onFrame` is called one frame at a time. */
  start(onFrame: (frame: Frame) => Promise<void>, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  stats(): FrameSourceStats;
}
