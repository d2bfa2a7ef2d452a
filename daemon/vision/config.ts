import { z } from 'zod';

export const visionConfigSchema = z
  .object({
    detector: z.string().default('ppocr-v4-det').describe('Plate detector model name from models/manifest.yaml.'),
    reader: z.string().default('ppocr-v4-rec').describe('Plate reader model name from models/manifest.yaml.'),
    models_dir: z.string().default('').describe('Folder holding manifest.yaml; empty means the bundled models/.'),
    workers: z.number().int().min(1).max(8).default(1).describe('Inference worker threads (one ONNX thread each).'),
    detect_long_side: z.number().int().min(320).max(2048).default(960).describe('Frames are scaled so their long side is this many pixels for detection.'),
  })
  .strict()
  .default({ detector: 'ppocr-v4-det', reader: 'ppocr-v4-rec', models_dir: '', workers: 1, detect_long_side: 960 })
  .describe('Models and inference threads.');

export type VisionConfig = z.infer<typeof visionConfigSchema>;
