import { z } from 'zod';

// Placeholder section: the health room fills it in (issue work in progress).
export const healthConfigSchema = z.object({}).strict().default({}).describe('health settings.');
