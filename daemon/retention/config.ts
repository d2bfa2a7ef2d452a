import { z } from 'zod';

// Placeholder section: the retention room fills it in (issue work in progress).
export const retentionConfigSchema = z.object({}).strict().default({}).describe('retention settings.');
