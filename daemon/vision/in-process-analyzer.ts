import type { Box, RgbImage } from './image.js';
import type { AnalyzedPlate, FrameAnalysis, FrameAnalyzer, PlateDetector, PlateReader } from './ports.js';
import { analyzeFrame, SURE_READ, type SureRead } from './frame-analysis.js';

/**
 * The per-frame path on the calling thread: for the eval, the bench and unit tests. The daemon
 * uses WorkerPoolAnalyzer, whose workers run this same code.
 */
export class InProcessAnalyzer implements FrameAnalyzer {
  constructor(
    readonly detector: PlateDetector,
    readonly reader: PlateReader,
    /** When a frame gets the detector's closer look (the pipeline's min_confidence; SURE_READ). */
    readonly sure: SureRead = SURE_READ,
  ) {}

  async analyze(image: RgbImage, roi?: Box): Promise<AnalyzedPlate[]> {
    return (await this.analyzeFrame(image, roi)).plates;
  }

  analyzeFrame(image: RgbImage, roi?: Box): Promise<FrameAnalysis> {
    return analyzeFrame(this.detector, this.reader, image, roi, this.sure);
  }

  async close(): Promise<void> {}
}
