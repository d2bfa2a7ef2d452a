import type { VisionConfig } from '../vision/config.js';
import { clip, quote } from './messages.js';

/** The model names a config may pick, by kind, for one models folder. */
export interface ModelChoices {
  /** The manifest file the names come from, for messages. */
  manifest: string;
  /** Every name in the manifest and its kind (a name of the wrong kind is reported as such). */
  kinds: ReadonlyMap<string, 'detector' | 'reader' | 'syntax'>;
  /** The names of each kind the daemon can run. */
  detector: readonly string[];
  reader: readonly string[];
  syntax: readonly string[];
}

/** Where model names are looked up (config/model-catalog.ts reads the real manifest). */
export interface ModelCatalog {
  /** The choices for config `vision.models_dir` ('' = the bundled models/); throws when its manifest cannot be read. */
  choices(modelsDir: string): ModelChoices;
}

type ModelKey = 'detector' | 'reader' | 'plate_syntax' | 'models_dir';

/**
 * `vision.detector`, `vision.reader` and `vision.plate_syntax` checked against the manifest:
 * a name that is missing, of the wrong kind or without code is a problem listing the choices.
 */
export function modelNameProblems(
  vision: VisionConfig,
  catalog: ModelCatalog,
  at: (key: ModelKey) => string,
): string[] {
  let choices: ModelChoices;
  try {
    choices = catalog.choices(vision.models_dir);
  } catch (err) {
    return [`${at('models_dir')} vision.models_dir: ${clip((err as Error).message, 300)}`];
  }
  const out: string[] = [];
  const check = (key: ModelKey, kind: 'detector' | 'reader' | 'syntax', name: string, available: readonly string[]) => {
    if (available.includes(name)) return;
    const noun = kind === 'syntax' ? 'plate syntax' : kind;
    const has = choices.kinds.get(name);
    const why =
      has === undefined
        ? `not in ${choices.manifest}`
        : has !== kind
          ? `a ${has === 'syntax' ? 'plate syntax' : has} in ${choices.manifest}, not a ${noun}`
          : 'has no code in daemon/vision/model-registry.ts';
    out.push(
      `${at(key)} vision.${key}: unknown ${noun} ${quote(name)} (${why}); choose one of: ${available.join(', ') || '(none)'}`,
    );
  };
  check('detector', 'detector', vision.detector, choices.detector);
  check('reader', 'reader', vision.reader, choices.reader);
  check('plate_syntax', 'syntax', vision.plate_syntax, [...choices.syntax, 'none']);
  return out;
}
