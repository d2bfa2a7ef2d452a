import { z } from 'zod';

export const visionConfigSchema = z
  .object({
    detector: z.string().default('plate-det-v1-text').describe('Plate detector model name from models/manifest.yaml: plate-det-v1-text (the default: the project\'s trained plate detector on the whole frame, then PP-OCR text lines looked for only around each plate; about a third of the CPU of ppocr-v4-det), plate-det-v1 (the trained detector alone: cheapest, but its whole-plate boxes read worse), ppocr-v4-det (PP-OCR text detection on the whole frame at detect_long_side: the earlier default, slightly higher recall with ppocr-v4-rec) or ppocr-v4-det-windows (640 px whole frame plus full-scale windows where plate-like edges are); see models/manifest.yaml.'),
    reader: z.string().default('ppocr-v4-rec').describe('Plate reader model name from models/manifest.yaml: ppocr-v4-rec (general OCR, the default) or plate-rec-v1 (the project\'s trained plate reader: better on real photos, not yet on the synthetic clip; see models/manifest.yaml).'),
    models_dir: z.string().default('').describe('Folder holding manifest.yaml; empty means the bundled models/.'),
    workers: z.number().int().min(1).max(8).default(1).describe('Inference worker threads (one ONNX thread each).'),
    detect_long_side: z.number().int().min(320).max(2048).default(960).describe('For ppocr-v4-det: frames are scaled so their long side is this many pixels for detection (ppocr-v4-det-windows sets its own scales).'),
  })
  .strict()
  .default({ detector: 'plate-det-v1-text', reader: 'ppocr-v4-rec', models_dir: '', workers: 1, detect_long_side: 960 })
  .describe('Models and inference threads.');

export type VisionConfig = z.infer<typeof visionConfigSchema>;
