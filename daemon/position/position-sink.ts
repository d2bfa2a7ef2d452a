import type { CameraConfig } from '../config/camera-schema.js';
import type { ReadSink } from '../pipeline/camera-pipeline.js';
import type { PlateRead } from '../store/plate-read.js';
import type { Located, LocatedCamera, Locator } from './fix.js';

/** A fixed camera's reads are where the camera is (its configured coordinates). */
export function cameraLocated(camera: LocatedCamera): Located {
  const { lat, lon } = camera.location;
  if (lat === undefined || lon === undefined) return { position: null, status: 'no_fix' };
  return {
    position: {
      lat,
      lon,
      accuracyM: null,
      speedMps: null,
      headingDeg: null,
      fixMode: null,
      fixAgeS: null,
      source: 'camera',
    },
    status: 'ok',
  };
}

/**
 * Stamps each finished read with where it was made, at the time of its best frame (the frame its
 * crop comes from), then hands it on. Sits between the pipeline and the store, so neither needs
 * to know whether the unit is on a pole or a patrol car; the lookup is synchronous, so a read is
 * never held back waiting for GPS.
 */
export class PositionStampingSink implements ReadSink {
  /** Stores its dependencies. */
  constructor(
    private readonly inner: ReadSink,
    private readonly locate: Locator,
  ) {}

  accept(read: PlateRead, camera: CameraConfig): Promise<void> {
    const at = read.bestSeen ?? read.lastSeen;
    const { position, status } = this.locate(at, camera);
    return this.inner.accept({ ...read, bestSeen: at, position, positionStatus: status }, camera);
  }
}
