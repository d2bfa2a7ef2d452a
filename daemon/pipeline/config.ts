import { z } from 'zod';

export const pipelineConfigSchema = z
  .object({
    motion_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.002)
      .describe('Fraction of grid cells that must change for a frame to be analysed; 0 analyses every frame.'),
    min_confidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        "Reads below this confidence (after voting) are dropped; a frame none of whose reads reaches it also gets the plate detector's closer look (vision.plate_retry_long_side).",
      ),
    min_frames: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(1)
      .describe('A vehicle must be read in at least this many frames to be stored.'),
    single_frame_confidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.7)
      .describe(
        'A pass read in one frame only is stored only at this confidence or above; two frames or more need only min_confidence. Every stored read must also be plate-shaped: 2-8 letters and digits, with a letter or a number of digits real plates have (vision.plate_syntax).',
      ),
    track_timeout_s: z
      .number()
      .min(0.2)
      .max(30)
      .default(1.5)
      .describe(
        'A plate absent from the frames analysed for this long (by their capture times) has left and its read is finalised; so is every plate in view when no frame has come for this long (at least three frame intervals).',
      ),
    max_track_s: z
      .number()
      .min(1)
      .max(600)
      .default(30)
      .describe('A plate seen longer than this (a parked car) is finalised and a new pass begins.'),
    iou_match: z
      .number()
      .min(0.01)
      .max(0.95)
      .default(0.1)
      .describe('Minimum box overlap to follow a plate from one frame to the next.'),
    best_crops: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('How many of the best reads of a pass vote on the text.'),
  })
  .strict()
  .prefault({})
  .describe('Motion gate, tracker and vote.');

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
