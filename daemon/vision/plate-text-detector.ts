import type { Box, RgbImage } from './image.js';
import type { Detection, PlateDetector } from './ports.js';
import { cropRegion } from './frame-analysis.js';
import { offsetBox } from './plate-geometry.js';

export interface PlateThenTextOptions {
  /** Plate boxes refined per frame, surest first; the rest are dropped (bounds the cost). */
  maxPlates: number;
  /** The region searched for text around a plate box: its width and height grown by these shares per side. */
  padX: number;
  padY: number;
  /** A text line counts as the plate's characters only when at least this share of the plate box wide. */
  minLineShare: number;
}

export const defaultPlateThenTextOptions: PlateThenTextOptions = { maxPlates: 6, padX: 0.15, padY: 0.3, minLineShare: 0.35 };

/**
 * Two networks, each where it is good: the trained plate detector finds plates in the whole
 * frame cheaply (one 640-px pass), but its boxes are loose or short by a character at that
 * resolution; PP-OCR text detection, run only on a small region around each plate box, gives
 * the character line the reader was trained on. A plate whose region holds no wide enough line
 * keeps its own box, so recall is the plate detector's.
 */
export class PlateThenTextDetector implements PlateDetector {
  constructor(
    readonly name: string,
    private readonly plates: PlateDetector,
    /** Text detection sized for small regions (e.g. PpocrDetector at a 192-px long side). */
    private readonly text: PlateDetector,
    private readonly opts: PlateThenTextOptions = defaultPlateThenTextOptions,
  ) {}

  async detect(image: RgbImage): Promise<Detection[]> {
    const out: Detection[] = [];
    for (const plate of (await this.plates.detect(image)).slice(0, this.opts.maxPlates)) {
      const region = cropRegion(image, searchRegion(plate.box, image.width, image.height, this.opts));
      const line = plateLine(await this.text.detect(region.image), plate.box.w, this.opts.minLineShare);
      out.push(line ? { box: offsetBox(line.box, region.x, region.y), score: plate.score } : plate);
    }
    return out;
  }
}

/** The plate's character line among the text lines found around it: the tallest wide-enough one. */
export function plateLine(lines: Detection[], plateWidth: number, minLineShare: number): Detection | undefined {
  return lines.filter((l) => l.box.w >= plateWidth * minLineShare).sort((a, b) => b.box.h - a.box.h)[0];
}

/** The plate box grown by the search margins, clamped to the frame. */
export function searchRegion(b: Box, width: number, height: number, o: Pick<PlateThenTextOptions, 'padX' | 'padY'>): Box {
  const x0 = Math.max(0, b.x - b.w * o.padX), y0 = Math.max(0, b.y - b.h * o.padY);
  const x1 = Math.min(width, b.x + b.w * (1 + o.padX)), y1 = Math.min(height, b.y + b.h * (1 + o.padY));
  return { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}
