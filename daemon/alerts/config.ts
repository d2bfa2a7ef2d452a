import { z } from 'zod';

// Placeholder section: the alerts room fills it in (issue work in progress).
export const mqttConfigSchema = z.object({}).strict().default({}).describe('mqtt settings.');
