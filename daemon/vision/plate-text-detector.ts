import { iou, type Box, type RgbImage } from './image.js';
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
  /**
   * Plate boxes narrower than this share of the frame's long side are looked for again (the zoom
   * detector, if any) in a region grown by `zoomPad` box widths (1.5 × that in box heights) per side
   * (see zoomBelowFor).
   */
  zoomBelow: number;
  zoomPad: number;
  /** A closer pass's box is new when its IoU with every box of the first pass is below this. */
  sameIou: number;
  /**
   * Plate boxes narrower than this many pixels are dropped before any refining: the reader does
   * not read them (PlateRecOptions.minWidth), and none of the real plates the detector found at
   * 640 px was narrower than 36 px (openalpr-us-dev, openalpr-eu), while a fifth to two fifths of its
   * boxes were (specks that cost a zoom and a text detection each).
   */
  minWidth: number;
}

/** The zoom detector's long side: the plate detector again, on the region around a small plate. */
export const ZOOM_LONG_SIDE = 256;

/**
 * The plate width (share of the frame's long side) below which the zoom sees a plate larger than
 * the whole-frame pass at `plateLongSide` did: the zoom draws a plate ZOOM_LONG_SIDE / (1 + 2 pad)
 * pixels wide (85 px), the whole-frame pass share × plateLongSide (at 640: under 13 %).
 */
export function zoomBelowFor(plateLongSide: number, zoomPad: number): number {
  return ZOOM_LONG_SIDE / (1 + 2 * zoomPad) / plateLongSide;
}

export const defaultPlateThenTextOptions: PlateThenTextOptions = {
  maxPlates: 6,
  padX: 0.15,
  padY: 0.3,
  minLineShare: 0.35,
  zoomBelow: zoomBelowFor(640, 1),
  zoomPad: 1,
  sameIou: 0.3,
  minWidth: 20,
};

/**
 * Two networks, each where it is good: the trained plate detector finds plates in the whole
 * frame cheaply (one pass at vision.plate_long_side, 640 px by default), but its boxes are loose or short by a character at that
 * resolution; PP-OCR text detection, run only on a small region around each plate box, gives
 * the character line the reader was trained on. A plate whose region holds no wide enough line
 * keeps its own box, so recall is the plate detector's. A found line carries the plate box as its
 * `alt`, and the reader reads both (a line cut at a shadow or a bolt still has the whole plate).
 *
 * At 640 px a small plate spans only a few map cells, and its box is often cut where half the plate
 * is in shadow, or shifted: given a `zoom` detector (the plate detector at a small long side), each
 * small plate box is looked for again in a region around it, seen larger, and the zoom's box that
 * overlaps the first one replaces it.
 *
 * Given a `closer` detector (the plate detector at a larger long side), lookCloser runs it on a
 * frame in which nothing was read surely, and refines the plates it finds that the first pass had not.
 */
export class PlateThenTextDetector implements PlateDetector {
  constructor(
    readonly name: string,
    private readonly plates: PlateDetector,
    /** Text detection sized for small regions (e.g. PpocrDetector at a 192-px long side). */
    private readonly text: PlateDetector,
    private readonly opts: PlateThenTextOptions = defaultPlateThenTextOptions,
    /** The plate detector again, sized for regions (ZOOM_LONG_SIDE); none: no second look. */
    private readonly zoom?: PlateDetector,
    /** The plate detector again, at a larger whole-frame size (vision.plate_retry_long_side); none: lookCloser finds nothing. */
    private readonly closer?: PlateDetector,
  ) {}

  async detect(image: RgbImage): Promise<Detection[]> {
    return this.refine(image, await this.plates.detect(image));
  }

  async lookCloser(image: RgbImage, seen: Detection[]): Promise<Detection[]> {
    if (!this.closer) return [];
    const known = seen.map((d) => d.alt ?? d.box);
    return this.refine(
      image,
      (await this.closer.detect(image)).filter((d) => known.every((b) => iou(d.box, b) < this.opts.sameIou)),
    );
  }

  /** Each plate box wide enough (surest first, at most maxPlates): looked at again when small, then its character line found. */
  private async refine(image: RgbImage, plates: Detection[]): Promise<Detection[]> {
    const out: Detection[] = [];
    for (const found of plates.filter((p) => p.box.w >= this.opts.minWidth).slice(0, this.opts.maxPlates)) {
      const plate = await this.lookAgain(image, found);
      const region = cropRegion(image, searchRegion(plate.box, image.width, image.height, this.opts));
      const line = plateLine(await this.text.detect(region.image), plate.box.w, this.opts.minLineShare);
      out.push(line ? { box: offsetBox(line.box, region.x, region.y), score: plate.score, alt: plate.box } : plate);
    }
    return out;
  }

  /** A small plate's box from the zoom detector's pass around it; the box unchanged when not small or not found again. */
  private async lookAgain(image: RgbImage, plate: Detection): Promise<Detection> {
    if (!this.zoom || plate.box.w >= this.opts.zoomBelow * Math.max(image.width, image.height)) return plate;
    const pad = this.opts.zoomPad;
    const region = cropRegion(
      image,
      searchRegion(plate.box, image.width, image.height, { padX: pad, padY: pad * 1.5 }),
    );
    const again = (await this.zoom.detect(region.image))
      .map((d) => offsetBox(d.box, region.x, region.y))
      .find((b) => iou(b, plate.box) > 0);
    return again ? { box: again, score: plate.score } : plate;
  }
}

/** The plate's character line among the text lines found around it: the tallest wide-enough one. */
export function plateLine(lines: Detection[], plateWidth: number, minLineShare: number): Detection | undefined {
  return lines.filter((l) => l.box.w >= plateWidth * minLineShare).sort((a, b) => b.box.h - a.box.h)[0];
}

/** The plate box grown by the search margins, clamped to the frame. */
export function searchRegion(
  b: Box,
  width: number,
  height: number,
  o: Pick<PlateThenTextOptions, 'padX' | 'padY'>,
): Box {
  const x0 = Math.max(0, b.x - b.w * o.padX),
    y0 = Math.max(0, b.y - b.h * o.padY);
  const x1 = Math.min(width, b.x + b.w * (1 + o.padX)),
    y1 = Math.min(height, b.y + b.h * (1 + o.padY));
  return { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}
