import { z } from 'zod';

export const visionConfigSchema = z
  .object({
    detector: z
      .string()
      .default('plate-det-v1-text')
      .describe(
        "Plate detector model name from models/manifest.yaml: plate-det-v1-text (the default: the project's trained plate detector on the whole frame, then PP-OCR text lines looked for only around each plate; about a third of the CPU of ppocr-v4-det), plate-det-v1 (the trained detector alone: cheapest, but its whole-plate boxes read worse), ppocr-v4-det (PP-OCR text detection on the whole frame at detect_long_side: the earlier default, slightly higher recall with ppocr-v4-rec) or ppocr-v4-det-windows (640 px whole frame plus full-scale windows where plate-like edges are); see models/manifest.yaml.",
      ),
    reader: z
      .string()
      .default('plate-rec-v10')
      .describe(
        "Plate reader model name from models/manifest.yaml: plate-rec-v10 (the default: the project's trained plate reader, the mean of plate-rec-v2's and plate-rec-v3's weights with a US-state head refitted on it; one network, so the CPU of plate-rec-v3 alone; gives the US state when sure), plate-rec-v8 (the previous default: the same characters, the state a little less often), plate-rec-v3-pair (the default before plate-rec-v8: plate-rec-v3, with plate-rec-v2 asked for a second opinion when v3 is unsure; about a fifth more CPU), plate-rec-v3 (v2 tuned on the crops the default detector gives), plate-rec-v2 (v3 before that tuning), plate-rec-v1 (the first trained reader: drops characters of wide fonts such as the clip's), plate-rec-v2-pair (v2 and v1 voting together) or ppocr-v4-rec (general OCR, the earlier default); see models/manifest.yaml.",
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
        'For plate-det-v1 and plate-det-v1-text: frames are scaled so their long side is this many pixels for the whole-frame plate pass. 640 fits a 2-core unit (35–60 ms of CPU per busy 1280x720 frame with plate-rec-v10 or plate-rec-v3, by machine; about a fifth more with plate-rec-v3-pair); 960 also finds plates about a third smaller (farther away), for about 30 ms more CPU per frame.',
      ),
    plate_retry_long_side: z
      .number()
      .int()
      .min(0)
      .max(2048)
      .default(800)
      .describe(
        'For plate-det-v1-text: when no plate in a frame was read surely at plate_long_side (none at confidence 0.5 or from a detection the detector is sure of), the plate detector looks again at this long side for plates the first pass missed (small, far ones), and those are read too; 0 never looks again. Costs nothing on frames where a plate is read surely; on frames where none is (a car without a readable plate), about 25 ms more CPU at 800 and 50 ms at 960. A value not larger than plate_long_side also means never.',
      ),
    plate_syntax: z
      .string()
      .default('plate-syntax-us')
      .describe(
        'For the trained readers (plate-rec-*): how often real plates take each shape of letters and digits, from models/manifest.yaml (plate-syntax-us, the default: trained on real US plates, overall and per state), or none. Where the reader finds two strings about equally likely, such as 002HHM and O02HHM, it chooses the shape real plates have. Set none for a unit reading mostly non-US plates.',
      ),
  })
  .strict()
  .default({
    detector: 'plate-det-v1-text',
    reader: 'plate-rec-v10',
    models_dir: '',
    workers: 1,
    detect_long_side: 960,
    plate_long_side: 640,
    plate_retry_long_side: 800,
    plate_syntax: 'plate-syntax-us',
  })
  .describe('Models and inference threads.');

export type VisionConfig = z.infer<typeof visionConfigSchema>;
