import { z } from 'zod';

// Placeholder section: the hotlist room fills it in (issue work in progress).
export const hotlistConfigSchema = z.object({}).strict().default({}).describe('hotlists settings.');
