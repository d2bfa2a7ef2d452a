import { z } from 'zod';

export const visionConfigSchema = z
  .object({
    detector: z
      .string()
      .default('plate-det-v1-text')
      .describe(
        'Plate detector, by name from models/manifest.yaml. plate-det-v1-text (default) finds plates, then their text line; see docs/models.md for the others.',
      ),
    reader: z
      .string()
      .default('plate-rec-v10')
      .describe(
        'Plate reader, by name from models/manifest.yaml. plate-rec-v10 (default) reads the characters and, when sure, the US state; see docs/models.md for the others.',
      ),
    models_dir: z.string().default('').describe('Folder holding manifest.yaml; empty means the bundled models/.'),
    workers: z.number().int().min(1).max(8).default(1).describe('Inference worker threads (one ONNX thread each).'),
    detect_long_side: z
      .number()
      .int()
      .min(320)
      .max(2048)
      .default(960)
      .describe(
        'For ppocr-v4-det: frames are scaled so their long side is this many pixels for detection (ppocr-v4-det-windows sets its own scales).',
      ),
    plate_long_side: z
      .number()
      .int()
      .min(320)
      .max(2048)
      .default(640)
      .describe(
        'For plate-det-v1 and plate-det-v1-text: the long side, in pixels, the whole frame is scaled to for finding plates. 640 fits a 2-core unit; 960 also finds plates about a third smaller (farther away) for about 30 ms more CPU a frame.',
      ),
    plate_retry_long_side: z
      .number()
      .int()
      .min(0)
      .max(2048)
      .default(800)
      .describe(
        'For plate-det-v1-text: when nothing in a frame was read surely (pipeline.min_confidence), look again at this long side for small, far plates. Costs about 25 ms of CPU at 800 on such frames only; 0 (or a value not above plate_long_side) never looks again.',
      ),
    plate_syntax: z
      .string()
      .default('plate-syntax-us')
      .describe(
        'For the plate-rec-* readers: a prior over plate shapes (letters and digits) from models/manifest.yaml, so that between two equally likely strings such as 002HHM and O02HHM the reader picks the shape real plates have. plate-syntax-us (default) is counted from real US plates; none turns it off (units reading mostly non-US plates).',
      ),
  })
  .strict()
  .prefault({})
  .describe('Models and inference threads.');

export type VisionConfig = z.infer<typeof visionConfigSchema>;
