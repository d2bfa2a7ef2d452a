import { z } from 'zod';
import { MOUNTS } from '../position/config.js';

const box = z
  .object({
    x: z.number().int().min(0).describe('Left edge, pixels of the decoded frame.'),
    y: z.number().int().min(0).describe('Top edge, pixels of the decoded frame.'),
    w: z.number().int().min(8).describe('Width, pixels.'),
    h: z.number().int().min(8).describe('Height, pixels.'),
  })
  .strict();

const cameraUrl = z
  .string()
  .min(1)
  .refine(
    (u) => {
      if (u.startsWith('file:') || u.startsWith('/')) return true;
      try {
        const p = new URL(u).protocol;
        return ['rtsp:', 'rtsps:', 'http:', 'https:'].includes(p);
      } catch {
        return false;
      }
    },
    { message: 'must be an rtsp://, rtsps://, http(s):// or file: URL, or an absolute file path' },
  );

export const cameraSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'use 1-32 lowercase letters, digits, "-" or "_"')
      .describe('Short unique id; appears in reads, hits and MQTT topics.'),
    name: z.string().min(1).describe('Human name shown to deputies and in reports.'),
    url: cameraUrl.describe(
      'Stream URL. Put no password here: use ${ENV_NAME} (expanded from the environment or a systemd credential of that name).',
    ),
    enabled: z.boolean().default(true).describe('Set false to keep a camera in the file without reading it.'),
    fps: z.number().min(0.2).max(30).default(5).describe('Frames per second to analyse (ffmpeg drops the rest).'),
    width: z.number().int().min(320).max(3840).default(1280).describe('Decode width in pixels.'),
    height: z.number().int().min(240).max(2160).default(720).describe('Decode height in pixels.'),
    loop: z.boolean().default(false).describe('For file sources: play the file again when it ends (demo, soak tests).'),
    realtime: z
      .boolean()
      .default(true)
      .describe("For file sources: pace decoding at the file's own speed, like a live camera."),
    roi: box.optional().describe('Region of interest in decoded-frame pixels; plates outside it are ignored.'),
    location: z
      .object({
        text: z.string().default('').describe('Where the camera is, e.g. "US-6 MP 262, eastbound".'),
        lat: z.number().min(-90).max(90).optional().describe('Latitude, WGS84 degrees.'),
        lon: z.number().min(-180).max(180).optional().describe('Longitude, WGS84 degrees.'),
        heading: z.number().min(0).max(360).optional().describe('Direction the camera faces, degrees from north.'),
      })
      .strict()
      .default({ text: '' })
      .describe(
        'Where the camera is; rides on every read and hit. On a fixed unit lat and lon are required; on a patrol car (unit.mobile) give only text: the position comes from GPS.',
      ),
    mount: z
      .enum(MOUNTS)
      .optional()
      .describe('Patrol-car units only (unit.mobile): which way the camera looks from the car. Required there.'),
    stall_timeout_s: z
      .number()
      .min(2)
      .max(600)
      .default(20)
      .describe('Restart ffmpeg when no frame arrives for this long.'),
    backoff_initial_s: z.number().min(0.1).max(60).default(1).describe('First reconnect delay after a failure.'),
    backoff_max_s: z.number().min(1).max(3600).default(60).describe('Reconnect delays double up to this cap.'),
  })
  .strict();

export type CameraConfig = z.infer<typeof cameraSchema>;
