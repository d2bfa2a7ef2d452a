import type { PositionStatus, ReadPosition } from '../position/fix.js';
import type { Box } from '../vision/image.js';

/** One vehicle pass past one camera: the product of the reading path. */
export interface PlateRead {
  /** UUID, made on the unit. */
  id: string;
  cameraId: string;
  text: string;
  confidence: number;
  /** Other plausible strings for this pass, best first. */
  alternatives: { text: string; confidence: number }[];
  state: string | null;
  firstSeen: number;
  lastSeen: number;
  /** How many frames read this plate. */
  frames: number;
  /** The best crop of the plate, JPEG. */
  cropJpeg: Uint8Array;
  /** Where the best crop was, in frame pixels, and the frame size. */
  box: Box;
  frameWidth: number;
  frameHeight: number;
  /** Time of the best frame (the crop's frame), epoch ms; the read's position is taken at this moment. */
  bestSeen?: number;
  /** Where the read was made (set by PositionStampingSink); null with a status saying why. */
  position?: ReadPosition | null;
  positionStatus?: PositionStatus;
}
