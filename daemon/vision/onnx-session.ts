import * as ort from 'onnxruntime-node';
import { ModelError } from '../shared/errors.js';

export type { InferenceSession, Tensor } from 'onnxruntime-node';
export const OrtTensor = ort.Tensor;

/**
 * One ONNX session on one CPU thread. Measured on a 2-core unit: two intra-op threads get
 * *slower* as soon as anything else uses the CPU, so we parallelise across workers
 * instead. Spinning is off so an idle session does not burn a core.
 */
export async function openSession(file: string, modelName: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    throw new ModelError(`model "${modelName}": ${file} cannot be loaded by onnxruntime: ${(err as Error).message}`);
  }
}

/**
 * A ModelError naming what is missing when the session lacks any of these input or output names:
 * a different export fails at start instead of misreading plates.
 */
export function requireNames(
  session: ort.InferenceSession,
  model: { name: string; file: string },
  inputs: string[],
  outputs: string[],
): void {
  const missing = inputs
    .filter((n) => !session.inputNames.includes(n))
    .concat(outputs.filter((n) => !session.outputNames.includes(n)));
  if (missing.length > 0)
    throw new ModelError(
      `model "${model.name}": ${model.file} lacks ${missing.join(', ')} (inputs ${session.inputNames.join(',')}, outputs ${session.outputNames.join(',')})`,
    );
}
