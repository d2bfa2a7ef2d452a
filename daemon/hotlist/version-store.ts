import { MAX_VERSION_ERRORS } from '../store/hotlist-versions.js';
import type { RowError } from './entry.js';

// The records themselves live in store/hotlist-versions.ts; api/ still imports them from here.
export {
  VersionStore,
  type HotlistVersionRepository,
  type ListVersion,
  type VersionOutcome,
} from '../store/hotlist-versions.js';

export function rowErrorsToStrings(errors: RowError[]): string[] {
  return errors.slice(0, MAX_VERSION_ERRORS).map((e) => `${e.file}:${e.line}: ${e.reason}`);
}
