import { z } from 'zod';
import { CATEGORIES } from './entry.js';

const sourceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'use 1-32 lowercase letters, digits, "-" or "_"')
      .describe('Short unique name of the list; rides on every hit as its source and names its version records.'),
    format: z
      .enum(['csv', 'ncic', 'ccic'])
      .describe(
        'File format: csv (with header), ncic (fixed width) or ccic (Colorado extract). See docs/mqtt-and-hotlists.md.',
      ),
    file: z.string().min(1).optional().describe('Local file to load (give file or url).'),
    url: z
      .string()
      .regex(/^https?:\/\//, 'must be an https:// (or, for tests, http://) URL')
      .optional()
      .describe(
        'HTTPS URL to download, with ETag/If-Modified-Since (give file or url). Put no secret in it: use headers with ${NAME}.',
      ),
    ca_file: z
      .string()
      .min(1)
      .optional()
      .describe('PEM file of the CA that signed the list server, when it is not a public CA.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra request headers, e.g. Authorization: "Bearer ${HOTLIST_TOKEN}".'),
    timeout_s: z
      .number()
      .min(1)
      .max(3600)
      .default(120)
      .describe('Give up a download after this long; the previous version stays in use.'),
    enabled: z.boolean().default(true).describe('Set false to keep a source in the file without loading it.'),
  })
  .strict()
  .refine((s) => Boolean(s.file) !== Boolean(s.url), { message: 'give exactly one of file or url' });

export const hotlistConfigSchema = z
  .object({
    sources: z
      .array(sourceSchema)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.id) || s.id === 'local')
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate or reserved source id "${s.id}"` });
          seen.add(s.id);
        });
      })
      .describe('Lists to load. Local entries made on the unit (alpr-edge hotlist add) are always on top of these.'),
    refresh_interval_h: z
      .number()
      .min(0.05)
      .max(168)
      .default(12)
      .describe('Fetch every list this often (also on SIGHUP and alpr-edge hotlist sync).'),
    retry_interval_min: z
      .number()
      .min(0.1)
      .max(1440)
      .default(15)
      .describe('After a failed fetch, try again this soon; the previous version stays in use meanwhile.'),
    stale_after_h: z
      .number()
      .min(0.1)
      .max(720)
      .default(24)
      .describe('Warn (log, status topic, hits) when a list is older than this.'),
    lenient_categories: z
      .array(z.enum(CATEGORIES))
      .default(['amber_alert', 'missing_person', 'felony_vehicle'])
      .describe(
        'Categories whose entries also match OCR-confusable variants (0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G); such hits say "lenient".',
      ),
    max_rejected_fraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        'A new version with more bad rows than this fraction is refused as a whole and the previous version kept.',
      ),
    repeat_window_s: z
      .number()
      .min(0)
      .max(3600)
      .default(30)
      .describe(
        'A read of a plate that matches the entry it hit at the same camera less than this long after that hit was last seen updates that hit (its last sighting) instead of raising a second hit and alert; 0 raises a hit for every read.',
      ),
    retro_hits: z
      .boolean()
      .default(true)
      .describe('Match new entries against the stored reads of the retro window and raise retrospective hits.'),
    retro_window_days: z
      .number()
      .min(0)
      .max(365)
      .default(21)
      .describe('How far back retrospective matching looks (the read retention window, policy 424.4).'),
    cache_dir: z
      .string()
      .default('')
      .describe('Where the last good copy of each list is kept across restarts; empty means <storage.path>/hotlists.'),
  })
  .strict()
  .prefault({})
  .describe('Hotlists: sources, refresh schedule, staleness, lenient matching and retrospective hits.');

export type HotlistConfig = z.infer<typeof hotlistConfigSchema>;
export type HotlistSourceConfig = HotlistConfig['sources'][number];
