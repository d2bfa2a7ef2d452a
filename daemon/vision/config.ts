import { z } from 'zod';

export const visionConfigSchema = z
  .object({
    detector: z.string().default('ppocr-v4-det').describe('Plate detector model name from models/manifest.yaml: ppocr-v4-det (PP-OCR text detection, one pass at detect_long_side, the default), ppocr-v4-det-windows (640 px whole frame plus full-scale windows where plate-like edges are: higher recall) or plate-det-v1 (the project\'s trained plate detector: about a tenth of the CPU, same recall, but its whole-plate boxes read worse; see models/manifest.yaml).'),
    reader: z.string().default('ppocr-v4-rec').describe('Plate reader model name from models/manifest.yaml: ppocr-v4-rec (general OCR, the default) or plate-rec-v1 (the project\'s trained plate reader: better on real photos, not yet on the synthetic clip; see models/manifest.yaml).'),
    models_dir: z.string().default('').describe('Folder holding manifest.yaml; empty means the bundled models/.'),
    workers: z.number().int().min(1).max(8).default(1).describe('Inference worker threads (one ONNX thread each).'),
    detect_long_side: z.number().int().min(320).max(2048).default(960).describe('For ppocr-v4-det: frames are scaled so their long side is this many pixels for detection (ppocr-v4-det-windows sets its own scales).'),
  })
  .strict()
  .default({ detector: 'ppocr-v4-det', reader: 'ppocr-v4-rec', models_dir: '', workers: 1, detect_long_side: 960 })
  .describe('Models and inference threads.');

export type VisionConfig = z.infer<typeof visionConfigSchema>;
