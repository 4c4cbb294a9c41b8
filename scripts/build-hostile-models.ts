/**
 * Writes the hostile-model corpus: test/fixtures/not-ok/<name>.onnx and manifest.json.
 *
 *   node_modules/.bin/node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/build-hostile-models.ts
 *
 * (Node 24 runs this TypeScript file directly: it uses only erasable syntax and imports nothing
 * but npm packages and node: modules; without the flag Node warns that it reparses the file as an
 * ES module, which is harmless.) The output is a pure function of this file — no seed, no
 * clock — and scripts/build-hostile-models.spec.ts fails when the committed files differ from a
 * fresh build, so rerun this script after changing a case.
 *
 * Every model has the signature of the catalog challenge `pruned-mlp-speedup` (input `features`
 * float32 [64, 256] → output `scores` float32 [64, 128]) unless the case is about the file format,
 * so each one fails for its own reason only. manifest.json maps each name to what must happen to
 * it, exactly one of:
 * - `"check": "<ModelCheckCode>"`: sandboxes/onnx/check-model.ts refuses it with that code;
 * - `"sandbox": "SANDBOX_TIMEOUT" | "SANDBOX_LIMIT"`: it passes the static checks but the sandbox
 *   host must stop it (run with the challenge's session options, under the host's timeout and
 *   address-space cap);
 * - `"parity": "<ParityFailureCode>"`: it passes the static checks and runs, and parity fails.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  FunctionProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TrainingInfoProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type FunctionProto,
  type GraphProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
  type TrainingInfoProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';

export type HostileExpectation = { check: string } | { sandbox: 'SANDBOX_TIMEOUT' | 'SANDBOX_LIMIT' } | { parity: string };

export interface HostileModel {
  name: string;
  description: string;
  /** The challenge whose reference the model is checked and run against. */
  challenge: string;
  expect: HostileExpectation;
  bytes: Uint8Array;
}

export const HOSTILE_CHALLENGE = 'pruned-mlp-speedup';
export const MANIFEST_FILE = 'manifest.json';

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;
const ROWS = 64;
const FEATURES = 256;
const CLASSES = 128;

// --- protobuf builders (little-endian raw_data whatever the host) --------------------------------

function floats(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return create(TensorProtoSchema, { name, dataType: FLOAT, dims: dims.map(BigInt), rawData: raw });
}

function int64s(name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return create(TensorProtoSchema, { name, dataType: INT64, dims: dims.map(BigInt), rawData: raw });
}

function bool(name: string, value: boolean): TensorProto {
  return create(TensorProtoSchema, { name, dataType: BOOL, dims: [], rawData: new Uint8Array([value ? 1 : 0]) });
}

/** A float tensor whose bytes live in another file (`location`), as onnx.save_model(..., save_as_external_data=True) writes. */
function externalFloats(name: string, dims: readonly number[], location: string): TensorProto {
  const length = dims.reduce((a, b) => a * b, 1) * 4;
  return create(TensorProtoSchema, {
    name,
    dataType: FLOAT,
    dims: dims.map(BigInt),
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
    ],
  });
}

function valueInfo(name: string, elemType: number, dims?: readonly number[]): ValueInfoProto {
  const shape = dims
    ? create(TensorShapeProtoSchema, {
        dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(d) } })),
      })
    : undefined;
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType, shape }) } }),
  });
}

type Attribute =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { tensor: TensorProto }
  | { graph: GraphProto };

function attribute(name: string, value: Attribute): AttributeProto {
  const T = AttributeProto_AttributeType;
  if ('int' in value) return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(value.int) });
  if ('float' in value) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: value.float });
  if ('ints' in value) return create(AttributeProtoSchema, { name, type: T.INTS, ints: value.ints.map(BigInt) });
  if ('floats' in value) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...value.floats] });
  if ('tensor' in value) return create(AttributeProtoSchema, { name, type: T.TENSOR, t: value.tensor });
  return create(AttributeProtoSchema, { name, type: T.GRAPH, g: value.graph });
}

function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, Attribute> = {},
  domain = '',
): NodeProto {
  return create(NodeProtoSchema, {
    name: `${outputs[0]}_node`,
    opType,
    domain,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.keys(attributes)
      .sort()
      .map((key) => attribute(key, attributes[key])),
  });
}

interface GraphParts {
  nodes: readonly NodeProto[];
  initializers?: readonly TensorProto[];
  sparse?: readonly SparseTensorProto[];
  inputs?: readonly ValueInfoProto[];
  outputs?: readonly ValueInfoProto[];
}

/** A graph with the challenge's signature unless `inputs`/`outputs` say otherwise. */
function graph(name: string, parts: GraphParts): GraphProto {
  return create(GraphProtoSchema, {
    name,
    node: [...parts.nodes],
    initializer: [...(parts.initializers ?? [])],
    sparseInitializer: [...(parts.sparse ?? [])],
    input: [...(parts.inputs ?? [valueInfo('features', FLOAT, [ROWS, FEATURES])])],
    output: [...(parts.outputs ?? [valueInfo('scores', FLOAT, [ROWS, CLASSES])])],
  });
}

interface ModelOptions {
  opset?: number;
  irVersion?: number;
  extraOpsets?: Record<string, number>;
  init?: { functions?: FunctionProto[]; trainingInfo?: TrainingInfoProto[] };
}

function model(main: GraphProto, options: ModelOptions = {}): Uint8Array {
  const opsets = [
    create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(options.opset ?? 17) }),
    ...Object.entries(options.extraOpsets ?? {}).map(([domain, version]) =>
      create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }),
    ),
  ];
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: BigInt(options.irVersion ?? 8),
      producerName: 'proving-ground-hostile-models',
      producerVersion: '1',
      opsetImport: opsets,
      graph: main,
      ...options.init,
    }),
  );
}

/** `scores` = the first 128 columns of `features`: the smallest model with the challenge's signature. */
function cropNodes(input = 'features', output = 'scores', columns = CLASSES): { nodes: NodeProto[]; initializers: TensorProto[] } {
  return {
    nodes: [node('Slice', [input, 'crop_starts', 'crop_ends'], [output])],
    initializers: [int64s('crop_starts', [0, 0]), int64s('crop_ends', [ROWS, columns])],
  };
}

// --- the cases -------------------------------------------------------------------------------------

/** `scores` = `features` · `w`, where `w` [256, 128] is stored as the case needs. */
function externalWeights(location: string): Uint8Array {
  return model(
    graph('external-weights', {
      nodes: [node('MatMul', ['features', 'w'], ['scores'])],
      initializers: [externalFloats('w', [FEATURES, CLASSES], location)],
    }),
  );
}

function externalSparseWeights(location: string): Uint8Array {
  // 128 non-zeros on a diagonal of the [256, 128] weight; their values are in the external file.
  const indices = Array.from({ length: CLASSES }, (_, i) => i * CLASSES + i);
  return model(
    graph('external-sparse-weights', {
      nodes: [node('MatMul', ['features', 'w'], ['scores'])],
      sparse: [
        create(SparseTensorProtoSchema, {
          values: externalFloats('w', [CLASSES], location),
          indices: int64s('w_indices', indices),
          dims: [BigInt(FEATURES), BigInt(CLASSES)],
        }),
      ],
    }),
  );
}

function externalConstantInIfBranch(location: string): Uint8Array {
  const branch = (name: string): GraphProto =>
    graph(name, {
      nodes: [node('Constant', [], [`${name}_w`], { value: { tensor: externalFloats(`${name}_w_value`, [FEATURES, CLASSES], location) } })],
      inputs: [],
      outputs: [valueInfo(`${name}_w`, FLOAT, [FEATURES, CLASSES])],
    });
  return model(
    graph('external-in-branch', {
      nodes: [
        node('If', ['use_weights'], ['w'], { else_branch: { graph: branch('else') }, then_branch: { graph: branch('then') } }),
        node('MatMul', ['features', 'w'], ['scores']),
      ],
      initializers: [bool('use_weights', true)],
    }),
  );
}

function customDomain(): Uint8Array {
  return model(graph('custom-domain', { nodes: [node('Exfiltrate', ['features'], ['scores'], {}, 'evil.domain')] }), {
    extraOpsets: { 'evil.domain': 1 },
  });
}

function crop(options: ModelOptions = {}, init?: ModelOptions['init']): Uint8Array {
  return model(graph('crop', cropNodes()), { ...options, init });
}

function constantOfShapeBomb(): Uint8Array {
  // A [2^31, 2^31] float tensor is 16 EiB; the file is a few hundred bytes.
  return model(
    graph('bomb', {
      nodes: [
        node('ConstantOfShape', ['bomb_shape'], ['bomb'], { value: { tensor: floats('zero', [1], [0]) } }),
        node('Slice', ['bomb', 'crop_starts', 'crop_ends'], ['scores']),
      ],
      initializers: [int64s('bomb_shape', [2 ** 31, 2 ** 31]), int64s('crop_starts', [0, 0]), int64s('crop_ends', [ROWS, CLASSES])],
    }),
  );
}

function longLoop(): Uint8Array {
  const { nodes, initializers } = cropNodes('features', 'cropped');
  const body = graph('loop-body', {
    nodes: [node('Identity', ['cond_in'], ['cond_out']), node('Identity', ['carried_in'], ['carried_out'])],
    inputs: [valueInfo('iteration', INT64, []), valueInfo('cond_in', BOOL, []), valueInfo('carried_in', FLOAT, [ROWS, CLASSES])],
    outputs: [valueInfo('cond_out', BOOL, []), valueInfo('carried_out', FLOAT, [ROWS, CLASSES])],
  });
  return model(
    graph('long-loop', {
      nodes: [...nodes, node('Loop', ['trips', 'keep_going', 'cropped'], ['scores'], { body: { graph: body } })],
      initializers: [...initializers, int64s('trips', [1e8], []), bool('keep_going', true)],
    }),
  );
}

function inconsistentInitializer(): Uint8Array {
  const { nodes, initializers } = cropNodes('features', 'cropped');
  // Declared [128], but only 127 floats of data.
  const bias = floats('bias', [CLASSES - 1], new Array<number>(CLASSES - 1).fill(0.5));
  bias.dims = [BigInt(CLASSES)];
  return model(
    graph('inconsistent', {
      nodes: [...nodes, node('Add', ['cropped', 'bias'], ['scores'])],
      initializers: [...initializers, bias],
    }),
  );
}

function nanOutput(): Uint8Array {
  const { nodes, initializers } = cropNodes('features', 'cropped');
  return model(
    graph('nan-output', {
      nodes: [...nodes, node('Mul', ['cropped', 'not_a_number'], ['scores'])],
      initializers: [...initializers, floats('not_a_number', [], [NaN])],
    }),
  );
}

function wrongOutputShape(): Uint8Array {
  const { nodes, initializers } = cropNodes('features', 'scores', CLASSES - 1);
  return model(graph('wrong-shape', { nodes, initializers, outputs: [valueInfo('scores', FLOAT, [ROWS, CLASSES - 1])] }));
}

function localFunctions(): Uint8Array {
  const fn = create(FunctionProtoSchema, {
    name: 'Crop',
    domain: 'local.functions',
    input: ['x', 'starts', 'ends'],
    output: ['y'],
    node: [node('Slice', ['x', 'starts', 'ends'], ['y'])],
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
  });
  return model(
    graph('local-functions', {
      nodes: [node('Crop', ['features', 'crop_starts', 'crop_ends'], ['scores'], {}, 'local.functions')],
      initializers: cropNodes().initializers,
    }),
    { extraOpsets: { 'local.functions': 1 }, init: { functions: [fn] } },
  );
}

function trainingInfo(): Uint8Array {
  const algorithm = graph('update', {
    nodes: [node('Identity', ['crop_ends'], ['next_ends'])],
    inputs: [],
    outputs: [valueInfo('next_ends', INT64, [2])],
  });
  return crop({}, { trainingInfo: [create(TrainingInfoProtoSchema, { algorithm })] });
}

function randomOp(): Uint8Array {
  const { nodes, initializers } = cropNodes('features', 'cropped');
  return model(
    graph('random', {
      nodes: [
        ...nodes,
        node('RandomUniformLike', ['cropped'], ['noise'], { high: { float: 1e-3 }, low: { float: 0 } }),
        node('Add', ['cropped', 'noise'], ['scores']),
      ],
      initializers,
    }),
  );
}

/**
 * 2,000 MatMuls of [1024, 2048] × [2048, 2048] (≈ 8.6 GFLOP each; measured here with one thread:
 * 13.5 s per 100 MatMuls, so ≈ 4.5 minutes per run, after ≈ 20 s of session creation). The rows
 * are `features` tiled and the weight is a constant expanded at session creation, so the file is
 * under 100 KB. Every static limit holds (the largest tensor has 4.2 M elements); only the
 * sandbox's timeout stops it. The weight is 2^-11 everywhere, so the values stay finite (each
 * product is the row mean).
 */
function slowMatMulChain(): Uint8Array {
  const chain = 2000;
  const nodes = [node('Expand', ['weight_value', 'weight_shape'], ['weight']), node('Tile', ['features', 'tile_repeats'], ['h0'])];
  for (let i = 0; i < chain; i++) nodes.push(node('MatMul', [`h${i}`, 'weight'], [`h${i + 1}`]));
  nodes.push(node('Slice', [`h${chain}`, 'crop_starts', 'crop_ends'], ['scores']));
  return model(
    graph('slow', {
      nodes,
      initializers: [
        floats('weight_value', [], [2 ** -11]),
        int64s('weight_shape', [2048, 2048]),
        int64s('tile_repeats', [16, 8]),
        int64s('crop_starts', [0, 0]),
        int64s('crop_ends', [ROWS, CLASSES]),
      ],
    }),
  );
}

/**
 * Expands a scalar to [2^20, 2^20] floats (4 TiB) with a shape computed from the input's values
 * (max(features) · 0 + 2^20), so no static analysis can know it; ONNX Runtime fails the
 * allocation ("Failed to allocate memory"), which the sandbox host reports as SANDBOX_LIMIT.
 */
function runtimeAllocationBomb(): Uint8Array {
  return model(
    graph('runtime-bomb', {
      nodes: [
        node('ReduceMax', ['features'], ['largest'], { keepdims: { int: 0 } }),
        node('Mul', ['largest', 'zero'], ['nothing']),
        node('Add', ['nothing', 'side'], ['side_float']),
        node('Cast', ['side_float'], ['side_length'], { to: { int: INT64 } }),
        node('Unsqueeze', ['side_length', 'axis0'], ['side_vector']),
        node('Concat', ['side_vector', 'side_vector'], ['huge_shape'], { axis: { int: 0 } }),
        node('Expand', ['zero', 'huge_shape'], ['huge']),
        node('Slice', ['huge', 'crop_starts', 'crop_ends'], ['scores']),
      ],
      initializers: [
        floats('zero', [], [0]),
        floats('side', [], [2 ** 20]),
        int64s('axis0', [0]),
        int64s('crop_starts', [0, 0]),
        int64s('crop_ends', [ROWS, CLASSES]),
      ],
    }),
  );
}

/** If inside If, `depth` levels deep (then branches nest; else branches crop directly, so the file stays small). */
function nestedIfs(depth: number): Uint8Array {
  const leaf = (level: number, branch: string): GraphProto =>
    graph(`${branch}-${level}`, {
      nodes: [node('Slice', ['features', 'crop_starts', 'crop_ends'], [`${branch}_out_${level}`])],
      inputs: [],
      outputs: [valueInfo(`${branch}_out_${level}`, FLOAT, [ROWS, CLASSES])],
    });
  let inner = leaf(0, 'then');
  for (let level = 1; level < depth; level++) {
    inner = graph(`then-${level}`, {
      nodes: [
        node('If', ['always'], [`then_out_${level}`], { else_branch: { graph: leaf(level, 'else') }, then_branch: { graph: inner } }),
      ],
      inputs: [],
      outputs: [valueInfo(`then_out_${level}`, FLOAT, [ROWS, CLASSES])],
    });
  }
  return model(
    graph('nested', {
      nodes: [node('If', ['always'], ['scores'], { else_branch: { graph: leaf(depth, 'else') }, then_branch: { graph: inner } })],
      initializers: [...cropNodes().initializers, bool('always', true)],
    }),
  );
}

/** pickle.dumps({'epoch': 3, 'model': 'mlp'}, protocol=4), as torch.save-style files start. */
const PICKLE = concat([
  Uint8Array.from([0x80, 0x04, 0x95, 0x1d, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x28, 0x8c, 0x05]),
  ascii('epoch'),
  Uint8Array.from([0x94, 0x4b, 0x03, 0x8c, 0x05]),
  ascii('model'),
  Uint8Array.from([0x94, 0x8c, 0x03]),
  ascii('mlp'),
  Uint8Array.from([0x94, 0x75, 0x2e]),
]);

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A real (stored, uncompressed) ZIP laid out like a PyTorch checkpoint: archive/data.pkl and archive/version. */
function zipArchive(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const DOS_DATE_1980_01_01 = 0x0021;
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = ascii(file.name);
    const crc = crc32(file.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed
    local.setUint16(10, 0, true); // time
    local.setUint16(12, DOS_DATE_1980_01_01, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, file.data.length, true);
    local.setUint32(22, file.data.length, true);
    local.setUint16(26, name.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true); // version made by
    central.setUint16(6, 20, true); // version needed
    central.setUint16(14, DOS_DATE_1980_01_01, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, file.data.length, true);
    central.setUint32(24, file.data.length, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    const localBytes = concat([new Uint8Array(local.buffer), name, file.data]);
    locals.push(localBytes);
    centrals.push(concat([new Uint8Array(central.buffer), name]));
    offset += localBytes.length;
  }
  const directory = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, directory.length, true);
  end.setUint32(16, offset, true);
  return concat([...locals, directory, new Uint8Array(end.buffer)]);
}

/** Every case, in a fixed order. */
export function buildHostileModels(): HostileModel[] {
  const cases: [name: string, expect: HostileExpectation, description: string, build: () => Uint8Array][] = [
    [
      'external-data-parent-path',
      { check: 'MODEL_EXTERNAL_DATA' },
      'initializer w stored in "../secret" (outside the working directory)',
      () => externalWeights('../secret'),
    ],
    [
      'external-data-absolute-path',
      { check: 'MODEL_EXTERNAL_DATA' },
      'initializer w stored in "/etc/passwd"',
      () => externalWeights('/etc/passwd'),
    ],
    [
      'external-data-relative-path',
      { check: 'MODEL_EXTERNAL_DATA' },
      'initializer w stored in "etc/passwd" (relative to the working directory)',
      () => externalWeights('etc/passwd'),
    ],
    [
      'external-data-sparse-initializer',
      { check: 'MODEL_EXTERNAL_DATA' },
      'the values of sparse initializer w stored in "etc/passwd"',
      () => externalSparseWeights('etc/passwd'),
    ],
    [
      'external-data-if-branch-constant',
      { check: 'MODEL_EXTERNAL_DATA' },
      'a Constant inside both branches of an If whose tensor is stored in "etc/passwd"',
      () => externalConstantInIfBranch('etc/passwd'),
    ],
    [
      'custom-domain',
      { check: 'MODEL_DOMAIN_NOT_ALLOWED' },
      'a node of domain evil.domain (a custom op library would have to provide it)',
      customDomain,
    ],
    ['opset-99', { check: 'MODEL_OPSET_OUT_OF_RANGE' }, 'imports opset 99 of the default domain', () => crop({ opset: 99 })],
    [
      'constant-of-shape-bomb',
      { check: 'MODEL_SHAPE_BOMB' },
      'ConstantOfShape of a constant [2^31, 2^31] (16 EiB of float32) in a file of a few hundred bytes',
      constantOfShapeBomb,
    ],
    [
      'loop-1e8-trips',
      { check: 'MODEL_LOOP_NOT_ALLOWED' },
      'a Loop with 10^8 trips (ONNX Runtime cannot be interrupted inside it; pruned-mlp-speedup allows no loops)',
      longLoop,
    ],
    [
      'initializer-dims-mismatch',
      { check: 'MODEL_INITIALIZER_INCONSISTENT' },
      'initializer bias declares dims [128] but holds 127 floats',
      inconsistentInitializer,
    ],
    [
      'zip-renamed',
      { check: 'MODEL_UNPARSEABLE' },
      'a ZIP archive laid out like a PyTorch checkpoint, renamed .onnx',
      () =>
        zipArchive([
          { name: 'archive/data.pkl', data: PICKLE },
          { name: 'archive/version', data: ascii('3\n') },
        ]),
    ],
    ['pickle-renamed', { check: 'MODEL_UNPARSEABLE' }, 'a Python pickle (protocol 4), renamed .onnx', () => PICKLE],
    [
      'truncated',
      { check: 'MODEL_UNPARSEABLE' },
      'the first half of a valid model',
      () => {
        const whole = crop();
        return whole.slice(0, Math.floor(whole.length / 2));
      },
    ],
    ['nested-subgraphs-40-deep', { check: 'MODEL_TOO_COMPLEX' }, 'If nested in If 40 levels deep', () => nestedIfs(40)],
    ['wrong-output-shape', { check: 'MODEL_SIGNATURE_MISMATCH' }, 'declares scores as [64, 127] instead of [64, 128]', wrongOutputShape],
    ['local-functions', { check: 'MODEL_LOCAL_FUNCTIONS' }, 'the crop as a model-local function local.functions:Crop', localFunctions],
    ['training-info', { check: 'MODEL_TRAINING_INFO' }, 'carries a training_info algorithm graph', trainingInfo],
    ['random-op', { check: 'MODEL_RANDOM_OP' }, 'adds RandomUniformLike noise to the output', randomOp],
    ['nan-output', { parity: 'OUTPUT_NON_FINITE' }, 'multiplies the output by NaN: passes every static check, fails parity', nanOutput],
    [
      'slow-matmul-chain',
      { sandbox: 'SANDBOX_TIMEOUT' },
      '2,000 MatMuls of [1024, 2048] x [2048, 2048] (minutes per run on one thread): passes every static check',
      slowMatMulChain,
    ],
    [
      'runtime-allocation-bomb',
      { sandbox: 'SANDBOX_LIMIT' },
      'Expand to [2^20, 2^20] floats (4 TiB) with a shape computed from the input values: passes every static check',
      runtimeAllocationBomb,
    ],
  ];
  return cases.map(([name, expect, description, build]) => ({ name, expect, description, challenge: HOSTILE_CHALLENGE, bytes: build() }));
}

/** manifest.json's text: name → challenge, description and the one expected outcome. */
export function manifestText(models: readonly HostileModel[]): string {
  const fixtures = Object.fromEntries(
    models.map((m) => [m.name, { file: `${m.name}.onnx`, challenge: m.challenge, ...m.expect, description: m.description }]),
  );
  return `${JSON.stringify({ generatedBy: 'scripts/build-hostile-models.ts', fixtures }, null, 2)}\n`;
}

/** Writes every model and the manifest into `dir` (created if needed); returns what it wrote. */
export function writeHostileModels(dir: string): HostileModel[] {
  const models = buildHostileModels();
  mkdirSync(dir, { recursive: true });
  for (const m of models) writeFileSync(join(dir, `${m.name}.onnx`), m.bytes);
  writeFileSync(join(dir, MANIFEST_FILE), manifestText(models));
  return models;
}

// Run directly (not when a test imports this file): write into test/fixtures/not-ok.
if (process.argv[1] !== undefined && /build-hostile-models\.ts$/.test(process.argv[1])) {
  const dir = resolve(dirname(process.argv[1]), '..', 'test', 'fixtures', 'not-ok');
  for (const m of writeHostileModels(dir))
    console.log(`${String(m.bytes.length).padStart(8)}  ${m.name}.onnx  ${JSON.stringify(m.expect)}`);
  console.log(`wrote ${MANIFEST_FILE} to ${dir}`);
}
