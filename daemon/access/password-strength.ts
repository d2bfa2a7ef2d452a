import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** Shortest password anyone may set, whatever the config says. */
export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn score (0-4) a password needs: 3 is "safely unguessable" against an offline attack on a stolen hash. */
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | undefined;

/** The estimator, built on first use (its dictionaries take ~100 ms to load). */
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory;
}

/**
 * Why a password is refused, in words fit to show, or undefined when it may be set: shorter than
 * `minLength` (never under 12), or guessable (zxcvbn score under 3, which catches common
 * passwords, dictionary words with digits, keyboard runs, repeats, and the user's own name).
 */
export function passwordProblem(password: string, minLength: number, userInputs: string[] = []): string | undefined {
  const min = Math.max(minLength, MIN_PASSWORD_LENGTH);
  if (password.length < min) return `password refused: too short (at least ${min} characters)`;
  // "Rob Smith" also as "Rob" and "Smith": a password built from either part is as guessable.
  const inputs = userInputs.flatMap((u) => [u, ...u.split(/[^\p{L}\p{N}]+/u)]).filter((u) => u.length >= 3);
  const r = estimator().check(password, inputs);
  if (r.score >= MIN_PASSWORD_SCORE) return undefined;
  const common = r.sequence.some(
    (s) =>
      s.pattern === 'dictionary' && String((s as { dictionaryName?: string }).dictionaryName).startsWith('passwords'),
  );
  const own = r.sequence.some(
    (s) => s.pattern === 'dictionary' && (s as { dictionaryName?: string }).dictionaryName === 'userInputs',
  );
  const why = own ? 'it contains your name or user name' : common ? 'a common password' : 'too easy to guess';
  const hint = [r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(' ');
  return `password refused: ${why}${hint ? ` (${hint})` : ''}`;
}
