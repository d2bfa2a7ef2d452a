/**
 * Cuts ffmpeg's rawvideo byte stream into whole frames. Pipe reads arrive in arbitrary chunk
 * sizes (64 KiB on Linux), never aligned to frames; each frame gets its own buffer so a consumer
 * may keep it while the next one fills.
 */
export class FrameAssembler {
  private current: Buffer;
  private filled = 0;

  constructor(private readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new Error(`frame size must be a positive integer, got ${frameBytes}`);
    this.current = Buffer.allocUnsafe(frameBytes);
  }

  /** Feeds a chunk; calls `emit` for every frame it completes, in order. Returns how many. */
  push(chunk: Uint8Array, emit: (frame: Buffer) => void): number {
    let offset = 0;
    let completed = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        const frame = this.current;
        this.current = Buffer.allocUnsafe(this.frameBytes);
        this.filled = 0;
        completed++;
        emit(frame);
      }
    }
    return completed;
  }

  /** Bytes of an unfinished frame (thrown away when ffmpeg restarts). */
  get pending(): number {
    return this.filled;
  }

  reset(): void {
    this.filled = 0;
  }
}
