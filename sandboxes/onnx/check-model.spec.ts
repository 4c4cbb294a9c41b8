import { create, toBinary } from '@bufbuild/protobuf';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  FunctionProtoSchema,
  GraphProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  TrainingInfoProtoSchema,
  TypeProto_SequenceSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { readModelChallenges } from '../../libs/catalog/src/models/model-challenges';
import {
  attr,
  modelProto,
  nodeProto,
  parseModel,
  serializeModel,
  tensorProto,
  valueInfo,
  type AttributeValue,
  type Dimension,
  type ElementType,
} from '../../libs/catalog/src/models/onnx-graph';
import { buildModel } from '../../libs/catalog/src/models/registry';
import {
  checkModel,
  DEFAULT_MODEL_CHECK_RULES,
  MAX_SUBGRAPH_DEPTH,
  MODEL_CHECK_CODES,
  type ModelCheckCode,
  type ModelCheckResult,
  type ModelCheckRules,
} from './check-model';

const ROWS = 64;
const FEATURES = 256;
const CLASSES = 128;
const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'not-ok');

// --- building models ---------------------------------------------------------------------------

interface ModelParts {
  nodes?: NodeProto[];
  initializers?: TensorProto[];
  inputs?: ValueInfoProto[];
  outputs?: ValueInfoProto[];
  opset?: number;
  irVersion?: number;
  extraOpsets?: Record<string, number>;
}

const features = (): ValueInfoProto => valueInfo('features', 'float32', [ROWS, FEATURES]);
const scores = (shape: Dimension[] = [ROWS, CLASSES], type: ElementType = 'float32'): ValueInfoProto => valueInfo('scores', type, shape);
const int64s = (name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto =>
  tensorProto(name, 'int64', dims, values);
const floats = (name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto =>
  tensorProto(name, 'float32', dims, values);
const op = (
  name: string,
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  domain = '',
): NodeProto => nodeProto(name, opType, inputs, outputs, attributes, domain);

/** `scores` = `from`[:64, :128], the smallest body with pruned-mlp-speedup's signature. */
function crop(from = 'features', output = 'scores'): { nodes: NodeProto[]; initializers: TensorProto[] } {
  return {
    nodes: [op('crop', 'Slice', [from, 'crop_starts', 'crop_ends'], [output])],
    initializers: [int64s('crop_starts', [0, 0]), int64s('crop_ends', [ROWS, CLASSES])],
  };
}

function graphOf(parts: ModelParts, name = 'candidate'): GraphProto {
  return create(GraphProtoSchema, {
    name,
    node: parts.nodes ?? [],
    initializer: parts.initializers ?? [],
    input: parts.inputs ?? [features()],
    output: parts.outputs ?? [scores()],
  });
}

function model(parts: ModelParts): Uint8Array {
  const proto = modelProto(graphOf(parts), { opset: parts.opset, irVersion: parts.irVersion });
  for (const [domain, version] of Object.entries(parts.extraOpsets ?? {}))
    proto.opsetImport.push(create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }));
  return serializeModel(proto);
}

/** The crop model, then `change` applied to its proto. */
function cropModel(change: (model: ModelProto) => void = () => {}): Uint8Array {
  return edit(model(crop()), change);
}

function edit(bytes: Uint8Array, change: (model: ModelProto) => void): Uint8Array {
  const proto = parseModel(bytes);
  change(proto);
  return serializeModel(proto);
}

function tensorAttribute(name: string, tensor: TensorProto): ReturnType<typeof create<typeof AttributeProtoSchema>> {
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.TENSOR, t: tensor });
}

function constant(output: string, tensor: TensorProto): NodeProto {
  return create(NodeProtoSchema, {
    name: `${output}_constant`,
    opType: 'Constant',
    output: [output],
    attribute: [tensorAttribute('value', tensor)],
  });
}

/** Moves a tensor's bytes to an external file, as onnx.save_model(..., save_as_external_data=True) does. */
function external(tensor: TensorProto, location = 'weights.bin', withLocationField = true): TensorProto {
  return create(TensorProtoSchema, {
    name: tensor.name,
    dataType: tensor.dataType,
    dims: tensor.dims,
    dataLocation: withLocationField ? TensorProto_DataLocation.EXTERNAL : TensorProto_DataLocation.DEFAULT,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(tensor.rawData.length) }),
    ],
  });
}

/** A graph of one node that crops outer-scope `features` (a subgraph body for If). */
function cropBranch(name: string, extra: Partial<ModelParts> = {}): GraphProto {
  return graphOf(
    {
      nodes: [op(`${name}_crop`, 'Slice', ['features', 'crop_starts', 'crop_ends'], [`${name}_out`]), ...(extra.nodes ?? [])],
      initializers: extra.initializers,
      inputs: [],
      outputs: [valueInfo(`${name}_out`, 'float32', [ROWS, CLASSES])],
    },
    name,
  );
}

/** scores = If(true, then, else) where both branches crop `features`. */
function ifModel(thenBranch: GraphProto, elseBranch = cropBranch('else')): Uint8Array {
  const { initializers } = crop();
  return model({
    nodes: [op('choose', 'If', ['always'], ['scores'], { else_branch: attr.graph(elseBranch), then_branch: attr.graph(thenBranch) })],
    initializers: [...initializers, tensorProto('always', 'bool', [], [1])],
  });
}

/** Ifs nested `depth` levels deep (the main graph's If is level 1). */
function nestedIfs(depth: number): Uint8Array {
  let inner = cropBranch('then_0');
  for (let level = 1; level < depth; level++) {
    inner = graphOf(
      {
        nodes: [
          op(`if_${level}`, 'If', ['always'], [`then_${level}_out`], {
            else_branch: attr.graph(cropBranch(`else_${level}`)),
            then_branch: attr.graph(inner),
          }),
        ],
        inputs: [],
        outputs: [valueInfo(`then_${level}_out`, 'float32', [ROWS, CLASSES])],
      },
      `then_${level}`,
    );
  }
  return ifModel(inner);
}

// --- checking ------------------------------------------------------------------------------------

/** Every code a test saw: the last test asserts that each code is reachable. */
const seenCodes = new Set<ModelCheckCode>();
const reference = model(crop());

function check(candidate: Uint8Array, rules: Partial<ModelCheckRules> = {}, against: Uint8Array = reference): ModelCheckResult {
  const result = checkModel({ candidate, reference: against, rules: { ...DEFAULT_MODEL_CHECK_RULES, ...rules } });
  if (!result.ok) seenCodes.add(result.code);
  return result;
}

/** Asserts the refusal's code and returns its message, which must be one short line. */
function refused(
  candidate: Uint8Array,
  code: ModelCheckCode,
  rules: Partial<ModelCheckRules> = {},
  against: Uint8Array = reference,
): string {
  const result = check(candidate, rules, against);
  expect(result).toMatchObject({ ok: false, code });
  if (result.ok) throw new Error('unreachable');
  expect(result.message).not.toMatch(/\n/);
  expect(result.message.length).toBeLessThan(700);
  return result.message;
}

function passes(candidate: Uint8Array, rules: Partial<ModelCheckRules> = {}, against: Uint8Array = reference): void {
  expect(check(candidate, rules, against)).toMatchObject({ ok: true });
}

// --- protobuf wire helpers (for inputs no builder would write) --------------------------------

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.length)]), payload);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}

/** A ModelProto (IR 8, opset 17) around an encoded GraphProto. */
function wireModel(graphBytes: Uint8Array): Uint8Array {
  const opset = toBinary(OperatorSetIdProtoSchema, create(OperatorSetIdProtoSchema, { domain: '', version: 17n }));
  return concat(Uint8Array.from([0x08, 0x08]), lengthDelimited(8, opset), lengthDelimited(7, graphBytes));
}

// ---------------------------------------------------------------------------------------------

interface Fixture {
  file: string;
  challenge: string;
  description: string;
  check?: ModelCheckCode;
  sandbox?: string;
  parity?: string;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { fixtures: Record<string, Fixture> };
const fixtures = Object.entries(manifest.fixtures);
const refusedFixtures = fixtures.filter(([, f]) => f.check !== undefined);
const runtimeFixtures = fixtures.filter(([, f]) => f.check === undefined);
const fixtureBytes = (name: string): Uint8Array => readFileSync(join(FIXTURES, manifest.fixtures[name].file));

const challenges = readModelChallenges();
const builtCatalog = new Map<string, { reference: Uint8Array; knownSolution: Uint8Array }>();
function catalogModels(slug: string): { reference: Uint8Array; knownSolution: Uint8Array } {
  let built = builtCatalog.get(slug);
  if (!built) {
    const spec = challenges.find((c) => c.slug === slug)!.spec;
    built = { reference: buildModel(spec.reference), knownSolution: buildModel(spec.knownSolution) };
    builtCatalog.set(slug, built);
  }
  return built;
}

describe('the hostile corpus (test/fixtures/not-ok)', () => {
  const against = (slug: string): Uint8Array => catalogModels(slug).reference;

  it.each(refusedFixtures)('refuses %s with its code', (name, fixture) => {
    refused(fixtureBytes(name), fixture.check!, {}, against(fixture.challenge));
  });

  it.each(runtimeFixtures)('passes %s, which only running it can catch', (name, fixture) => {
    passes(fixtureBytes(name), {}, against(fixture.challenge));
  });

  it('names the offending node, initializer, input or output in each message', () => {
    const expectations: Record<string, RegExp> = {
      'external-data-parent-path': /initializer "w" in the main graph: .*external file \("\.\.\/secret"\)/,
      'external-data-absolute-path': /initializer "w" .*"\/etc\/passwd"/,
      'external-data-sparse-initializer': /the values of sparse initializer "w" in the main graph/,
      'external-data-if-branch-constant':
        /attribute "value" of node "else_w_node" \(Constant\) in subgraph "else_branch" of node "w_node" \(If\)/,
      'custom-domain': /"evil\.domain"/,
      'opset-99': /opset 99 .* 7–21/,
      'constant-of-shape-bomb': /node "bomb_node" \(ConstantOfShape\) in the main graph would produce \[2147483648, 2147483648\]/,
      'loop-1e8-trips': /node "scores_node" \(Loop\) in the main graph/,
      'initializer-dims-mismatch':
        /initializer "bias" in the main graph \(float32 \[128\], 128 elements\) holds 508 bytes of raw_data, but its dims need 512 bytes/,
      'zip-renamed': /ZIP archive/,
      'pickle-renamed': /Python pickle/,
      'nested-subgraphs-40-deep': /more than 16 deep \(node "scores_node" \(If\) → node "then_out_39_node" \(If\)/,
      'wrong-output-shape': /output "scores" has shape \[64, 127\]; the reference's is \[64, 128\]: dimension 1 must be 128/,
      'local-functions': /"local\.functions:Crop"/,
      'random-op': /node "noise_node" \(RandomUniformLike\)/,
    };
    for (const [name, pattern] of Object.entries(expectations)) {
      const fixture = manifest.fixtures[name];
      expect({ name, message: refused(fixtureBytes(name), fixture.check!, {}, against(fixture.challenge)) }).toEqual({
        name,
        message: expect.stringMatching(pattern),
      });
    }
  });
});

describe('catalog models', () => {
  it.each(challenges.map((c) => c.slug))("%s: the reference and the known solution pass against the challenge's reference", (slug) => {
    const { reference: ref, knownSolution } = catalogModels(slug);
    for (const candidate of [ref, knownSolution]) passes(candidate, {}, ref);
  });

  it('reports PP-OCR at opset 9', () => {
    const { reference: ref } = catalogModels('ppocr-recognizer-speedup');
    const result = check(ref, {}, ref);
    expect(result).toMatchObject({ ok: true, summary: { opsets: { 'ai.onnx': 9 } } });
  });
});

describe('size and format', () => {
  it('refuses a 0-byte model', () => {
    expect(refused(new Uint8Array(), 'MODEL_UNPARSEABLE')).toMatch(/empty/);
  });

  it('accepts a model of exactly the size limit and refuses one byte more, before parsing', () => {
    const candidate = model(crop());
    passes(candidate, { maxModelBytes: candidate.length });
    expect(refused(candidate, 'MODEL_TOO_LARGE', { maxModelBytes: candidate.length - 1 })).toContain(`${candidate.length} bytes`);
    // Garbage over the limit is too large, not unparseable: the size comes first.
    refused(new Uint8Array(101).fill(0xff), 'MODEL_TOO_LARGE', { maxModelBytes: 100 });
  });

  it.each([
    ['garbage', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
    ['a truncated model', model(crop()).slice(0, 40)],
    ['protobuf without a graph', Uint8Array.from([0x08, 0x08])],
    ['an HDF5 file', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
    ['a safetensors file', Uint8Array.from([0x20, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22, 0x61])],
    ['a gzip file', Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0])],
    ['the wrong wire type for the graph field', Uint8Array.from([0x08, 0x08, 0x38, 0x01])],
  ])('refuses %s as unparseable', (_, bytes) => {
    refused(bytes, 'MODEL_UNPARSEABLE');
  });
  it('returns a result, never throws, for 3,000 corrupted models', () => {
    let state = 20261130;
    const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const originals = [...fixtures.filter(([name]) => name !== 'slow-matmul-chain').map(([name]) => fixtureBytes(name)), nestedIfs(3)];
    const codes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from(originals[Math.floor(random() * originals.length)]);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--)
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const result = checkModel({ candidate: bytes, reference, rules: DEFAULT_MODEL_CHECK_RULES });
      codes.add(result.ok ? 'ok' : result.code);
    }
    expect(codes.size).toBeGreaterThan(5);
  });
});

describe('nesting and decoding limits', () => {
  it(`accepts subgraphs nested ${MAX_SUBGRAPH_DEPTH} deep and refuses ${MAX_SUBGRAPH_DEPTH + 1}`, () => {
    passes(nestedIfs(MAX_SUBGRAPH_DEPTH));
    refused(nestedIfs(MAX_SUBGRAPH_DEPTH + 1), 'MODEL_TOO_COMPLEX');
  });

  it('refuses 40 levels of subgraphs cleanly', () => {
    expect(refused(nestedIfs(40), 'MODEL_TOO_COMPLEX')).toMatch(/nested more than 16 deep \(node "choose" \(If\) → node "if_39" \(If\)/);
  });

  it('refuses 2,000 levels of subgraphs without overflowing the stack', () => {
    // Encoded by hand: Graph { node: If { attribute: { name: "then_branch", g: <inner> } } }, 2,000 times.
    let graph: Uint8Array = toBinary(GraphProtoSchema, cropBranch('innermost'));
    const name = lengthDelimited(1, new TextEncoder().encode('then_branch'));
    const opType = lengthDelimited(4, new TextEncoder().encode('If'));
    for (let level = 0; level < 2000; level++)
      graph = lengthDelimited(1, concat(opType, lengthDelimited(5, concat(name, lengthDelimited(6, graph)))));
    refused(wireModel(graph), 'MODEL_TOO_COMPLEX');
  });

  it('refuses types nested 5,000 deep without overflowing the stack', () => {
    // TypeProto { sequence_type: { elem_type: TypeProto { … tensor_type: { elem_type: FLOAT } } } } as an input's type.
    let type = lengthDelimited(1, Uint8Array.from([0x08, 0x01]));
    for (let level = 0; level < 5000; level++) type = lengthDelimited(4, lengthDelimited(1, type));
    const input = concat(lengthDelimited(1, new TextEncoder().encode('features')), lengthDelimited(2, type));
    expect(refused(wireModel(lengthDelimited(11, input)), 'MODEL_TOO_COMPLEX')).toMatch(/nests protobuf messages more than 100 deep/);
  });

  it('refuses a 2 MB model of a million empty nodes (decoding would take ≈ 300 MB)', () => {
    const nodes = new Uint8Array(2_000_000);
    for (let i = 0; i < nodes.length; i += 2) nodes[i] = 0x0a;
    expect(refused(wireModel(nodes), 'MODEL_TOO_COMPLEX')).toMatch(/more than 192 MiB of memory to decode/);
  });

  it('refuses millions of int64 values stored outside raw_data', () => {
    const tensor = lengthDelimited(7, new Uint8Array(6_000_000).fill(1));
    refused(wireModel(lengthDelimited(5, tensor)), 'MODEL_TOO_COMPLEX');
  });
});

describe('external data', () => {
  const weights = (): TensorProto =>
    floats(
      'w',
      Array.from({ length: FEATURES * CLASSES }, () => 0.5),
      [FEATURES, CLASSES],
    );
  const matmul = (initializers: TensorProto[], nodes: NodeProto[] = []): Uint8Array =>
    model({ nodes: [...nodes, op('mm', 'MatMul', ['features', 'w'], ['scores'])], initializers });

  it.each([
    ['data_location EXTERNAL with entries', external(weights())],
    ['external_data entries without data_location', external(weights(), 'weights.bin', false)],
    ['data_location EXTERNAL without entries', create(TensorProtoSchema, { ...external(weights()), externalData: [] })],
  ])('refuses an initializer with %s', (_, tensor) => {
    expect(refused(matmul([tensor]), 'MODEL_EXTERNAL_DATA')).toMatch(
      /^initializer "w" in the main graph: its data is stored in an external file/,
    );
  });

  it('refuses external indices of a sparse initializer', () => {
    const candidate = edit(matmul([]), (m) => {
      m.graph!.sparseInitializer.push(
        create(SparseTensorProtoSchema, {
          values: floats('w', [0.5]),
          indices: external(int64s('w_indices', [0])),
          dims: [BigInt(FEATURES), BigInt(CLASSES)],
        }),
      );
    });
    expect(refused(candidate, 'MODEL_EXTERNAL_DATA')).toMatch(/the indices of sparse initializer "w"/);
  });

  it.each([
    ['value', (t: TensorProto) => tensorAttribute('value', t)],
    [
      'tensors',
      (t: TensorProto) => create(AttributeProtoSchema, { name: 'tensors', type: AttributeProto_AttributeType.TENSORS, tensors: [t] }),
    ],
    [
      'sparse_value',
      (t: TensorProto) =>
        create(AttributeProtoSchema, {
          name: 'sparse_value',
          type: AttributeProto_AttributeType.SPARSE_TENSOR,
          sparseTensor: create(SparseTensorProtoSchema, { values: t, indices: int64s('i', [0]), dims: [1n] }),
        }),
    ],
  ])('refuses an external tensor in attribute %s of a node', (name, attribute) => {
    const node = create(NodeProtoSchema, {
      name: 'weights',
      opType: 'Constant',
      output: ['w'],
      attribute: [attribute(external(floats('w', [1])))],
    });
    expect(refused(matmul([], [node]), 'MODEL_EXTERNAL_DATA')).toContain(
      `attribute "${name}" of node "weights" (Constant) in the main graph`,
    );
  });

  it('refuses an external initializer of a subgraph three levels down', () => {
    const candidate = edit(nestedIfs(3), (m) => {
      const level2 = m.graph!.node[0].attribute.find((a) => a.name === 'then_branch')!.g!;
      const level3 = level2.node[0].attribute.find((a) => a.name === 'then_branch')!.g!;
      level3.initializer.push(external(floats('hidden', [1])));
    });
    expect(refused(candidate, 'MODEL_EXTERNAL_DATA')).toMatch(/^initializer "hidden" in subgraph "then_branch" of node "if_2" \(If\)/);
  });

  it('refuses external data in a function body before refusing the function', () => {
    const candidate = cropModel((m) => {
      m.functions.push(create(FunctionProtoSchema, { name: 'Leak', domain: 'local', node: [constant('c', external(floats('c', [1])))] }));
    });
    expect(refused(candidate, 'MODEL_EXTERNAL_DATA')).toMatch(/in function "Leak"/);
  });

  it('refuses external data in a training graph before refusing the training info', () => {
    const candidate = cropModel((m) => {
      m.trainingInfo.push(create(TrainingInfoProtoSchema, { initialization: graphOf({ initializers: [external(floats('state', [1]))] }) }));
    });
    expect(refused(candidate, 'MODEL_EXTERNAL_DATA')).toMatch(/initializer "state" in the initialization graph of training_info\[0\]/);
  });
});

describe('model header', () => {
  it.each([2, 11])('refuses IR version %i', (irVersion) => {
    expect(refused(model({ ...crop(), irVersion }), 'MODEL_IR_VERSION_OUT_OF_RANGE')).toContain(`IR version is ${irVersion}`);
  });

  it.each([3, 10])('accepts IR version %i', (irVersion) => {
    passes(model({ ...crop(), irVersion }));
  });

  it.each([6, 22])('refuses opset %i of the default domain', (opset) => {
    refused(model({ ...crop(), opset }), 'MODEL_OPSET_OUT_OF_RANGE');
  });

  it.each([7, 21])('accepts opset %i', (opset) => {
    passes(model({ ...crop(), opset }));
  });

  it('honours the rules’ opset range', () => {
    refused(model({ ...crop(), opset: 17 }), 'MODEL_OPSET_OUT_OF_RANGE', { maxOpset: 13 });
  });

  it('refuses a model without the default domain, or with it imported twice', () => {
    refused(
      cropModel((m) => (m.opsetImport = [create(OperatorSetIdProtoSchema, { domain: 'ai.onnx.ml', version: 3n })])),
      'MODEL_OPSET_OUT_OF_RANGE',
    );
    const twice = refused(model({ ...crop(), extraOpsets: { 'ai.onnx': 13 } }), 'MODEL_OPSET_OUT_OF_RANGE');
    expect(twice).toContain('twice (versions 17 and 13)');
  });

  it('treats "ai.onnx" as the default domain', () => {
    passes(cropModel((m) => (m.opsetImport[0].domain = 'ai.onnx')));
  });

  it('refuses local functions and training info', () => {
    refused(
      cropModel((m) => m.functions.push(create(FunctionProtoSchema, { name: 'F', domain: 'local' }))),
      'MODEL_LOCAL_FUNCTIONS',
    );
    refused(
      cropModel((m) => m.trainingInfo.push(create(TrainingInfoProtoSchema, {}))),
      'MODEL_TRAINING_INFO',
    );
  });
});

describe('nodes', () => {
  const { initializers } = crop();
  /** crop, then `node` (which reads `cropped` and writes `scores`). */
  const withNode = (node: NodeProto, extra: Partial<ModelParts> = {}): Uint8Array =>
    model({
      nodes: [op('crop', 'Slice', ['features', 'crop_starts', 'crop_ends'], ['cropped']), node, ...(extra.nodes ?? [])],
      initializers: [...initializers, ...(extra.initializers ?? [])],
      extraOpsets: extra.extraOpsets,
    });

  it('refuses an imported domain that is not allowed', () => {
    expect(
      refused(
        withNode(op('leak', 'Send', ['cropped'], ['scores'], {}, 'evil.domain'), { extraOpsets: { 'evil.domain': 1 } }),
        'MODEL_DOMAIN_NOT_ALLOWED',
      ),
    ).toMatch(/imports operator domain "evil\.domain"/);
  });

  it('refuses a node of a domain that is not allowed even without its import, naming the node', () => {
    expect(refused(withNode(op('leak', 'Send', ['cropped'], ['scores'], {}, 'evil.domain')), 'MODEL_DOMAIN_NOT_ALLOWED')).toMatch(
      /^node "leak" \(evil\.domain:Send\) in the main graph uses operator domain "evil\.domain"/,
    );
  });

  it('accepts com.microsoft and ai.onnx.ml nodes, and honours a narrower allow-list', () => {
    const candidate = withNode(op('gelu', 'Gelu', ['cropped'], ['scores'], {}, 'com.microsoft'), { extraOpsets: { 'com.microsoft': 1 } });
    expect(check(candidate)).toMatchObject({
      ok: true,
      summary: { opTypes: { 'com.microsoft:Gelu': 1, Slice: 1 }, opsets: { 'com.microsoft': 1 } },
    });
    refused(candidate, 'MODEL_DOMAIN_NOT_ALLOWED', { allowedDomains: [''] });
  });

  it.each(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli'])(
    'refuses %s',
    (opType) => {
      expect(refused(withNode(op('noise', opType, ['cropped'], ['scores'])), 'MODEL_RANDOM_OP')).toMatch(`node "noise" (${opType})`);
    },
  );

  it('refuses Dropout in training mode and accepts it in inference mode', () => {
    const dropout = (mode: number): Uint8Array =>
      withNode(op('drop', 'Dropout', ['cropped', 'ratio', 'training'], ['scores']), {
        initializers: [floats('ratio', [0.5], []), tensorProto('training', 'bool', [], [mode])],
      });
    refused(dropout(1), 'MODEL_RANDOM_OP');
    passes(dropout(0));
    passes(withNode(op('drop', 'Dropout', ['cropped'], ['scores'])));
  });

  it('refuses Loop and Scan unless loops are allowed; If is always accepted', () => {
    const body = graphOf({
      nodes: [op('keep', 'Identity', ['c'], ['c_out']), op('same', 'Identity', ['v'], ['v_out'])],
      inputs: [valueInfo('i', 'int64', []), valueInfo('c', 'bool', []), valueInfo('v', 'float32', [ROWS, CLASSES])],
      outputs: [valueInfo('c_out', 'bool', []), valueInfo('v_out', 'float32', [ROWS, CLASSES])],
    });
    const loop = withNode(op('repeat', 'Loop', ['trips', '', 'cropped'], ['scores'], { body: attr.graph(body) }), {
      initializers: [int64s('trips', [3], [])],
    });
    expect(refused(loop, 'MODEL_LOOP_NOT_ALLOWED')).toMatch(/^node "repeat" \(Loop\) in the main graph/);
    passes(loop, { allowLoops: true });
    refused(
      withNode(op('scan', 'Scan', ['cropped'], ['scores'], { body: attr.graph(body), num_scan_inputs: attr.int(1) })),
      'MODEL_LOOP_NOT_ALLOWED',
    );
    refused(
      withNode(op('search', 'BeamSearch', ['cropped'], ['scores'], {}, 'com.microsoft'), { extraOpsets: { 'com.microsoft': 1 } }),
      'MODEL_LOOP_NOT_ALLOWED',
    );
    passes(ifModel(cropBranch('then')));
  });

  it('finds a Loop inside an If branch', () => {
    const loopBranch = cropBranch('then', {
      nodes: [op('inner_loop', 'Loop', ['trips', ''], [])],
      initializers: [int64s('trips', [1], [])],
    });
    expect(refused(ifModel(loopBranch), 'MODEL_LOOP_NOT_ALLOWED')).toMatch(
      /^node "inner_loop" \(Loop\) in subgraph "then_branch" of node "choose" \(If\)/,
    );
  });
});

describe('constant tensors', () => {
  /** The crop model with one more (unused) initializer. */
  const withInitializer = (tensor: TensorProto): Uint8Array => cropModel((m) => m.graph!.initializer.push(tensor));
  const tensor = (fields: Parameters<typeof create<typeof TensorProtoSchema>>[1]): TensorProto =>
    create(TensorProtoSchema, { name: 't', ...fields });

  it.each([
    [
      'raw_data shorter than its dims',
      tensor({ dataType: TensorProto_DataType.FLOAT, dims: [4n], rawData: new Uint8Array(12) }),
      /holds 12 bytes of raw_data, but its dims need 16 bytes/,
    ],
    [
      'raw_data longer than its dims',
      tensor({ dataType: TensorProto_DataType.INT64, dims: [2n, 2n], rawData: new Uint8Array(40) }),
      /needs? 32 bytes/,
    ],
    [
      'too few float_data values',
      tensor({ dataType: TensorProto_DataType.FLOAT, dims: [4n], floatData: [1, 2, 3] }),
      /holds 3 values in float_data, but its dims need 4/,
    ],
    [
      'a negative dimension',
      tensor({ dataType: TensorProto_DataType.FLOAT, dims: [-1n, 4n], rawData: new Uint8Array(16) }),
      /negative dimension/,
    ],
    [
      'raw_data in a string tensor',
      tensor({ dataType: TensorProto_DataType.STRING, dims: [1n], rawData: new Uint8Array(1) }),
      /string_data/,
    ],
    [
      'int64 values in float_data',
      tensor({ dataType: TensorProto_DataType.INT64, dims: [1n], floatData: [1] }),
      /stores its values in float_data, which int64 tensors do not use/,
    ],
    ['no data at all', tensor({ dataType: TensorProto_DataType.FLOAT, dims: [3n] }), /holds no data/],
    ['an undefined data type', tensor({ dataType: 99, dims: [1n], rawData: new Uint8Array(1) }), /data type 99/],
  ])('refuses an initializer with %s, naming it', (_, bad, pattern) => {
    const message = refused(withInitializer(bad), 'MODEL_INITIALIZER_INCONSISTENT');
    expect(message).toMatch(/^initializer "t" in the main graph/);
    expect(message).toMatch(pattern);
  });

  it.each([
    ['an empty tensor without data', tensor({ dataType: TensorProto_DataType.FLOAT, dims: [0n, 5n] })],
    ['int4 packed two per byte', tensor({ dataType: TensorProto_DataType.INT4, dims: [3n], rawData: new Uint8Array(2) })],
    [
      'complex64 in float_data (two per element)',
      tensor({ dataType: TensorProto_DataType.COMPLEX64, dims: [2n], floatData: [1, 2, 3, 4] }),
    ],
    ['float16 in int32_data', tensor({ dataType: TensorProto_DataType.FLOAT16, dims: [2n], int32Data: [15360, 15360] })],
    ['a string tensor', tensor({ dataType: TensorProto_DataType.STRING, dims: [2n], stringData: [new Uint8Array(3), new Uint8Array(1)] })],
  ])('accepts %s', (_, good) => {
    passes(withInitializer(good));
  });

  it("refuses a Constant node's inconsistent tensor, naming the node", () => {
    const bad = tensor({ dataType: TensorProto_DataType.FLOAT, dims: [2n], rawData: new Uint8Array(4) });
    expect(
      refused(
        cropModel((m) => m.graph!.node.push(constant('unused', bad))),
        'MODEL_INITIALIZER_INCONSISTENT',
      ),
    ).toMatch(/^the tensor of attribute "value" of node "unused_constant" \(Constant\) in the main graph/);
  });

  it('refuses a malformed sparse initializer', () => {
    const candidate = cropModel((m) =>
      m.graph!.sparseInitializer.push(
        create(SparseTensorProtoSchema, { values: floats('s', [1, 2]), indices: int64s('si', [0, 1, 2]), dims: [10n] }),
      ),
    );
    expect(refused(candidate, 'MODEL_INITIALIZER_INCONSISTENT')).toMatch(/^sparse initializer "s" in the main graph is malformed/);
  });
});

interface BombCase {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  opset?: number;
}

describe('shape bombs', () => {
  const limit = DEFAULT_MODEL_CHECK_RULES.maxShapeElements;
  const { initializers: cropInitializers } = crop();
  /** nodes producing `bomb`, then scores = crop(bomb). */
  const bombModel = (nodes: NodeProto[], initializers: TensorProto[] = [], opset?: number): Uint8Array =>
    model({
      nodes: [...nodes, op('crop', 'Slice', ['bomb', 'crop_starts', 'crop_ends'], ['scores'])],
      initializers: [...cropInitializers, ...initializers],
      opset,
    });

  // Rows are objects: Jest would take a 4th parameter missing from a tuple row for its done callback.
  it.each<BombCase>(
    (
      [
        ['ConstantOfShape of an initializer', [op('fill', 'ConstantOfShape', ['shape'], ['bomb'])], [int64s('shape', [2 ** 31, 2 ** 31])]],
        [
          'ConstantOfShape of a Constant node',
          [constant('shape', int64s('shape_value', [2 ** 20, 2 ** 20])), op('fill', 'ConstantOfShape', ['shape'], ['bomb'])],
          [],
        ],
        [
          'Expand to a constant shape',
          [op('fill', 'Expand', ['features', 'shape'], ['bomb'])],
          [int64s('shape', [2 ** 15, ROWS, FEATURES])],
        ],
        [
          'Tile with constant repeats (times the input’s declared dims)',
          [op('fill', 'Tile', ['features', 'repeats'], ['bomb'])],
          [int64s('repeats', [4096, 512])],
        ],
        ['Reshape to a constant shape', [op('fill', 'Reshape', ['features', 'shape'], ['bomb'])], [int64s('shape', [2 ** 20, 2 ** 20])]],
        [
          'Resize to constant sizes',
          [op('fill', 'Resize', ['features', '', '', 'sizes'], ['bomb'])],
          [int64s('sizes', [2 ** 15, 2 ** 15])],
        ],
        ['Resize by constant scales', [op('fill', 'Resize', ['features', '', 'scales'], ['bomb'])], [floats('scales', [1, 1e6])]],
        [
          'Upsample (opset 9) by constant scales',
          [op('fill', 'Upsample', ['features', 'scales'], ['bomb'])],
          [floats('scales', [1, 1e6])],
          9,
        ],
        [
          'Range over constant bounds',
          [op('fill', 'Range', ['start', 'end', 'step'], ['bomb'])],
          [int64s('start', [0], []), int64s('end', [1e12], []), int64s('step', [1], [])],
        ],
        [
          'OneHot with a constant depth',
          [op('fill', 'OneHot', ['indices', 'depth', 'values'], ['bomb'])],
          [int64s('indices', [0, 1]), int64s('depth', [2 ** 30], []), floats('values', [0, 1])],
        ],
        ['Pad by constant amounts', [op('fill', 'Pad', ['features', 'pads'], ['bomb'])], [int64s('pads', [0, 0, 2 ** 22, 0])]],
        [
          'a shape concatenated from Constant nodes',
          [
            constant('half', int64s('half_value', [2 ** 20])),
            op('join', 'Concat', ['half', 'half'], ['shape'], { axis: attr.int(0) }),
            op('fill', 'ConstantOfShape', ['shape'], ['bomb']),
          ],
          [],
        ],
        [
          "a shape computed from the input's declared shape",
          [
            op('dims', 'Shape', ['features'], ['dims']),
            op('grow', 'Mul', ['dims', 'factor'], ['shape']),
            op('fill', 'Expand', ['features', 'shape'], ['bomb']),
          ],
          [int64s('factor', [4096, 4096])],
        ],
        [
          'a shape gathered, unsqueezed and concatenated',
          [
            op('dims', 'Shape', ['features'], ['dims']),
            op('rows', 'Gather', ['dims', 'zero'], ['rows']),
            op('grow', 'Mul', ['rows', 'factor'], ['big']),
            op('vector', 'Unsqueeze', ['big', 'axes'], ['side']),
            op('join', 'Concat', ['side', 'side'], ['shape'], { axis: attr.int(0) }),
            op('fill', 'ConstantOfShape', ['shape'], ['bomb']),
          ],
          [int64s('zero', [0], []), int64s('factor', [2 ** 14], []), int64s('axes', [0])],
        ],
        [
          'nodes listed out of order',
          [
            op('fill', 'ConstantOfShape', ['shape'], ['bomb']),
            op('join', 'Concat', ['half', 'half'], ['shape'], { axis: attr.int(0) }),
            constant('half', int64s('half_value', [2 ** 20])),
          ],
          [],
        ],
      ] as [string, NodeProto[], TensorProto[], number?][]
    ).map(([name, nodes, initializers, opset]) => ({ name, nodes, initializers, opset })),
  )('refuses $name', ({ nodes, initializers, opset }) => {
    expect(refused(bombModel(nodes, initializers, opset), 'MODEL_SHAPE_BOMB')).toMatch(
      new RegExp(`^node "fill" \\(\\w+\\) in the main graph would produce .* elements.* at most ${limit.toLocaleString('en-US')} elements`),
    );
  });

  it('accepts the same ops below the limit', () => {
    passes(bombModel([op('fill', 'Expand', ['features', 'shape'], ['bomb'])], [int64s('shape', [16, ROWS, FEATURES])]));
    passes(bombModel([op('fill', 'Tile', ['features', 'repeats'], ['bomb'])], [int64s('repeats', [16, 8])]));
    passes(bombModel([op('fill', 'ConstantOfShape', ['shape'], ['bomb'])], [int64s('shape', [2 ** 14, 2 ** 14])]));
    refused(bombModel([op('fill', 'ConstantOfShape', ['shape'], ['bomb'])], [int64s('shape', [2 ** 14, 2 ** 14])]), 'MODEL_SHAPE_BOMB', {
      maxShapeElements: 2 ** 27,
    });
  });

  it('finds a bomb in a subgraph that reads an outer-scope shape', () => {
    const branch = cropBranch('then', { nodes: [op('fill', 'ConstantOfShape', ['outer_shape'], ['unused'])] });
    const candidate = edit(ifModel(branch), (m) => m.graph!.initializer.push(int64s('outer_shape', [2 ** 31])));
    expect(refused(candidate, 'MODEL_SHAPE_BOMB')).toMatch(
      /^node "fill" \(ConstantOfShape\) in subgraph "then_branch" of node "choose" \(If\)/,
    );
  });

  it('refuses constants declared with absurd dims', () => {
    const huge = create(TensorProtoSchema, { name: 'huge', dataType: TensorProto_DataType.FLOAT, dims: [2n ** 31n, 2n ** 31n] });
    expect(
      refused(
        cropModel((m) => m.graph!.initializer.push(huge)),
        'MODEL_SHAPE_BOMB',
      ),
    ).toMatch(/^initializer "huge" in the main graph declares dims \[2147483648, 2147483648\], i\.e\. 4\.61e\+18 elements/);
    const sparse = create(SparseTensorProtoSchema, {
      values: floats('sparse', [1]),
      indices: int64s('si', [0]),
      dims: [2n ** 31n, 2n ** 31n],
    });
    expect(
      refused(
        cropModel((m) => m.graph!.sparseInitializer.push(sparse)),
        'MODEL_SHAPE_BOMB',
      ),
    ).toMatch(/^sparse initializer "sparse"/);
  });
});

describe('signature', () => {
  const { nodes, initializers } = crop();

  it.each<[string, Partial<ModelParts>, RegExp]>([
    [
      'a renamed input',
      {
        nodes: [op('crop', 'Slice', ['x', 'crop_starts', 'crop_ends'], ['scores'])],
        inputs: [valueInfo('x', 'float32', [ROWS, FEATURES])],
      },
      /has no input "features"/,
    ],
    [
      'an extra input',
      { inputs: [features(), valueInfo('mask', 'float32', [ROWS])] },
      /has an input "mask" that the reference does not have/,
    ],
    [
      'a renamed output',
      {
        nodes: [op('crop', 'Slice', ['features', 'crop_starts', 'crop_ends'], ['logits'])],
        outputs: [valueInfo('logits', 'float32', [ROWS, CLASSES])],
      },
      /has no output "scores"/,
    ],
    [
      'another element type',
      { outputs: [scores([ROWS, CLASSES], 'float64')] },
      /output "scores" has element type float64; the reference's is float32/,
    ],
    [
      'another rank',
      { outputs: [scores([ROWS, CLASSES, 1])] },
      /has shape \[64, 128, 1\]; the reference's is \[64, 128\]: it must have 2 dimension/,
    ],
    [
      'another fixed input dimension',
      { inputs: [valueInfo('features', 'float32', [ROWS, 255])] },
      /input "features" has shape \[64, 255\]; the reference's is \[64, 256\]: dimension 1 must be 256/,
    ],
  ])('refuses %s', (_, parts, pattern) => {
    expect(refused(model({ nodes, initializers, ...parts }), 'MODEL_SIGNATURE_MISMATCH')).toMatch(pattern);
  });

  it('refuses a sequence where the reference has a tensor', () => {
    const sequence = create(ValueInfoProtoSchema, {
      name: 'scores',
      type: create(TypeProtoSchema, { value: { case: 'sequenceType', value: create(TypeProto_SequenceSchema, {}) } }),
    });
    expect(refused(model({ nodes, initializers, outputs: [sequence] }), 'MODEL_SIGNATURE_MISMATCH')).toMatch(
      /is a sequence; the reference's is a tensor/,
    );
  });

  it('accepts symbolic dimensions on either side', () => {
    passes(
      model({
        nodes,
        initializers,
        inputs: [valueInfo('features', 'float32', ['batch', FEATURES])],
        outputs: [scores(['batch', CLASSES])],
      }),
    );
    const symbolicReference = model({
      nodes,
      initializers,
      inputs: [valueInfo('features', 'float32', ['batch', 'width'])],
      outputs: [scores(['batch', CLASSES])],
    });
    passes(model({ nodes, initializers }), {}, symbolicReference);
  });

  it('ignores graph inputs that are initializers (IR 3 style)', () => {
    passes(
      model({
        nodes,
        initializers,
        inputs: [features(), valueInfo('crop_starts', 'int64', [2]), valueInfo('crop_ends', 'int64', [2])],
        irVersion: 3,
      }),
    );
  });
});

describe('the result', () => {
  it('summarizes an accepted model', () => {
    expect(check(fixtureBytes('nan-output'))).toEqual({
      ok: true,
      summary: { irVersion: 8, opsets: { 'ai.onnx': 17 }, nodes: 2, initializerBytes: 36, opTypes: { Mul: 1, Slice: 1 } },
    });
    expect(check(nestedIfs(3))).toMatchObject({ ok: true, summary: { nodes: 7, opTypes: { If: 3, Slice: 4 } } });
  });

  it('survives a structured clone (it crosses the sandbox IPC)', () => {
    for (const result of [check(model(crop())), check(fixtureBytes('opset-99'))]) expect(structuredClone(result)).toEqual(result);
  });

  it('throws INVALID_TASK for bad rules or an unreadable reference', () => {
    expect(() => check(model(crop()), { maxOpset: 5 })).toThrow(/^INVALID_TASK: rules\.maxOpset/);
    expect(() => check(model(crop()), { maxModelBytes: 0 })).toThrow(/^INVALID_TASK: rules\.maxModelBytes/);
    expect(() => check(model(crop()), {}, Uint8Array.from([0x08, 0x08]))).toThrow(/^INVALID_TASK: the reference model has no graph/);
    expect(() => check(model(crop()), {}, Uint8Array.from([0x00]))).toThrow(/^INVALID_TASK: the reference model does not parse/);
  });
});

describe('external data never reaches ONNX Runtime', () => {
  const externalFixtures = refusedFixtures.filter(([, f]) => f.check === 'MODEL_EXTERNAL_DATA').map(([name]) => name);

  it('refuses every external-data fixture, which ONNX Runtime itself would read from the working directory', () => {
    expect(externalFixtures.length).toBeGreaterThanOrEqual(5);
    // The pipeline: only what checkModel accepts is handed to ONNX Runtime.
    const prunedReference = catalogModels('pruned-mlp-speedup').reference;
    const admitted = externalFixtures.filter((name) => check(fixtureBytes(name), {}, prunedReference).ok);
    expect(admitted).toEqual([]);

    // Control: ONNX Runtime given these files directly (in a child process whose working directory
    // holds etc/passwd, as a sandbox's could) reads the external file. ORT 1.30 refuses absolute and
    // "../" paths by itself; relative ones it reads, from every place the fixtures put them.
    const workdir = mkdtempSync(join(tmpdir(), 'external-data-'));
    try {
      mkdirSync(join(workdir, 'etc'));
      writeFileSync(join(workdir, 'etc', 'passwd'), new Uint8Array(new Float32Array(FEATURES * CLASSES).fill(0.5).buffer));
      const probe = `
        const ort = require(${JSON.stringify(require.resolve('onnxruntime-node'))});
        const { readFileSync } = require('node:fs');
        (async () => {
          const seen = {};
          for (const file of process.argv.slice(1)) {
            try {
              const session = await ort.InferenceSession.create(readFileSync(file), { intraOpNumThreads: 1 });
              const output = await session.run({ features: new ort.Tensor('float32', new Float32Array(${ROWS * FEATURES}).fill(1), [${ROWS}, ${FEATURES}]) });
              seen[file.split('/').pop()] = output.scores.data[0];
              await session.release();
            } catch (error) {
              seen[file.split('/').pop()] = 'refused by ONNX Runtime';
            }
          }
          process.stdout.write(JSON.stringify(seen));
        })();`;
      const files = externalFixtures.map((name) => join(FIXTURES, manifest.fixtures[name].file));
      const run = spawnSync(process.execPath, ['-e', probe, ...files], { cwd: workdir, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(0);
      // 256 features of 1 times weights of 0.5 from the file (the sparse one has 0.5 on its diagonal only).
      expect(JSON.parse(run.stdout)).toMatchObject({
        'external-data-relative-path.onnx': 128,
        'external-data-if-branch-constant.onnx': 128,
        'external-data-sparse-initializer.onnx': 0.5,
      });
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });
});

describe('codes', () => {
  it('lists each code once', () => {
    expect(new Set(MODEL_CHECK_CODES).size).toBe(MODEL_CHECK_CODES.length);
    expect(MODEL_CHECK_CODES).toHaveLength(14);
  });

  // Runs last (Jest runs tests in the order they are declared): every code was produced above.
  it('produced every code somewhere in this file', () => {
    expect([...seenCodes].sort()).toEqual([...MODEL_CHECK_CODES].sort());
  });
});
