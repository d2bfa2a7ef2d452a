import { z } from 'zod';

// Placeholder section: the access room fills it in (issue work in progress).
export const accessConfigSchema = z.object({}).strict().default({}).describe('access settings.');
