import { fromBinary } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  TensorProto_DataLocation,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
  type TensorShapeProto_Dimension,
  type TypeProto,
  type ValueInfoProto,
} from 'onnx-buf';

/**
 * Static checks of a learner's ONNX model before ONNX Runtime sees it (DESIGN.md §4 "Model checks
 * before anything runs"), as a pure function over bytes: no environment, no file, no network,
 * nothing from apps/ or libs/. It parses untrusted protobuf, so it runs in the sandbox host (task
 * kind `onnx.check`), never in the API or scorer process.
 *
 * The checks, in the order they are made (the first failure is reported):
 * 1. size (before parsing), then the bytes must be a protobuf ModelProto with a graph: common
 *    look-alikes (ZIP/PyTorch checkpoints, pickles, HDF5, safetensors, gzip, ORT format) are named;
 * 2. a pass over the protobuf wire format bounds what decoding would cost (nesting of subgraphs,
 *    messages and values held outside raw_data) before anything is decoded;
 * 3. no external data anywhere (ONNX Runtime resolves it against the working directory);
 * 4. IR version, local functions, training info, operator-set imports;
 * 5. every node (subgraphs included): allowed domain, no random op, no Loop/Scan unless allowed;
 * 6. every constant tensor: sane dims (no absurd element counts), data consistent with dims;
 * 7. no node whose output size is known before the model runs (from constants, through a small
 *    constant propagation) exceeds the element limit;
 * 8. inputs and outputs match the reference's names, element types and fixed dimensions.
 */

/** Limits of one check; each challenge may override them (DESIGN.md §4). */
export interface ModelCheckRules {
  /** Largest accepted file, in bytes (checked before parsing). */
  maxModelBytes: number;
  /** Whether Loop and Scan (and com.microsoft's search loops) are accepted; If always is. */
  allowLoops: boolean;
  /** Accepted opset range of the default domain (ai.onnx), inclusive. */
  minOpset: number;
  maxOpset: number;
  /** Accepted ModelProto.ir_version range, inclusive. */
  minIrVersion: number;
  maxIrVersion: number;
  /** Most elements any constant tensor, or any node output whose size is known statically, may have. */
  maxShapeElements: number;
  /** Operator domains a node or an opset import may use; "" and "ai.onnx" are the same domain. */
  allowedDomains: readonly string[];
}

export interface ModelCheckTask {
  /** The learner's model (untrusted). */
  candidate: Uint8Array;
  /** The challenge's reference model (trusted): the source of the expected signature. */
  reference: Uint8Array;
  rules: ModelCheckRules;
}

/**
 * DESIGN.md §4's defaults: 256 MiB; opsets 7–21 (the PP-OCR models use 9, the generated catalog
 * models 17); IR versions 3–10; at most 2^28 elements (1 GiB of float32) per tensor.
 */
export const DEFAULT_MODEL_CHECK_RULES: ModelCheckRules = {
  maxModelBytes: 256 * 1024 * 1024,
  allowLoops: false,
  minOpset: 7,
  maxOpset: 21,
  minIrVersion: 3,
  maxIrVersion: 10,
  maxShapeElements: 2 ** 28,
  allowedDomains: ['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft'],
};

/** Subgraphs (If/Loop/Scan bodies) nested deeper than this are refused (MODEL_TOO_COMPLEX). */
export const MAX_SUBGRAPH_DEPTH = 16;
/**
 * Estimated JS heap that decoding may take (measured with @bufbuild/protobuf 2.17: ≈ 270 bytes per
 * message, 9 per float and 33 per int64 outside raw_data); the sandbox worker's heap is 512 MiB.
 */
export const MAX_DECODED_BYTES = 192 * 1024 * 1024;

/** Why a model is refused; each code is one rule (DESIGN.md §4: "each refusal has its own error code"). */
export type ModelCheckCode =
  /** The file is larger than `rules.maxModelBytes` (checked before parsing). */
  | 'MODEL_TOO_LARGE'
  /** Not an ONNX ModelProto: empty, garbage, truncated, a ZIP or pickle renamed .onnx, no graph. */
  | 'MODEL_UNPARSEABLE'
  /** Subgraphs nested more than {@link MAX_SUBGRAPH_DEPTH} deep, or too much to decode (millions of messages or values outside raw_data). */
  | 'MODEL_TOO_COMPLEX'
  /** A tensor (initializer, sparse initializer, attribute, subgraph, function body) points at external data. */
  | 'MODEL_EXTERNAL_DATA'
  /** An opset import or a node uses a domain outside `rules.allowedDomains`. */
  | 'MODEL_DOMAIN_NOT_ALLOWED'
  /** The default domain's opset is outside the rules' range (or missing, duplicated, below 1). */
  | 'MODEL_OPSET_OUT_OF_RANGE'
  /** ModelProto.ir_version is outside the rules' range. */
  | 'MODEL_IR_VERSION_OUT_OF_RANGE'
  /** The model defines local functions (model.functions). */
  | 'MODEL_LOCAL_FUNCTIONS'
  /** The model carries training_info. */
  | 'MODEL_TRAINING_INFO'
  /** A node draws random numbers (RandomNormal…, Multinomial, Bernoulli, Dropout in training mode). */
  | 'MODEL_RANDOM_OP'
  /** A Loop or Scan node while the challenge does not allow loops. */
  | 'MODEL_LOOP_NOT_ALLOWED'
  /** A constant tensor's data disagrees with its dims and type (byte length, value count, negative dim). */
  | 'MODEL_INITIALIZER_INCONSISTENT'
  /** A constant tensor, or a node whose output size is known statically, would hold more than `rules.maxShapeElements` elements. */
  | 'MODEL_SHAPE_BOMB'
  /** Inputs or outputs differ from the reference's in name, element type or a fixed dimension. */
  | 'MODEL_SIGNATURE_MISMATCH';

// A Record, so that a code missing here (or one too many) fails to compile.
const CODES: Record<ModelCheckCode, true> = {
  MODEL_TOO_LARGE: true,
  MODEL_UNPARSEABLE: true,
  MODEL_TOO_COMPLEX: true,
  MODEL_EXTERNAL_DATA: true,
  MODEL_DOMAIN_NOT_ALLOWED: true,
  MODEL_OPSET_OUT_OF_RANGE: true,
  MODEL_IR_VERSION_OUT_OF_RANGE: true,
  MODEL_LOCAL_FUNCTIONS: true,
  MODEL_TRAINING_INFO: true,
  MODEL_RANDOM_OP: true,
  MODEL_LOOP_NOT_ALLOWED: true,
  MODEL_INITIALIZER_INCONSISTENT: true,
  MODEL_SHAPE_BOMB: true,
  MODEL_SIGNATURE_MISMATCH: true,
};
/** Every {@link ModelCheckCode}, in the order the checks are made. */
export const MODEL_CHECK_CODES: readonly ModelCheckCode[] = Object.freeze(Object.keys(CODES) as ModelCheckCode[]);

export interface ModelCheckSummary {
  irVersion: number;
  /** Imported opset per domain; the default domain is reported as "ai.onnx". */
  opsets: Record<string, number>;
  /** Nodes in the main graph and every subgraph. */
  nodes: number;
  /** Bytes of the constant tensors (initializers, sparse initializers' values and indices, attribute tensors). */
  initializerBytes: number;
  /** Nodes per op type ("domain:OpType" outside the default domain), sorted by name. */
  opTypes: Record<string, number>;
}

export type ModelCheckResult =
  | { ok: true; summary: ModelCheckSummary }
  | {
      ok: false;
      code: ModelCheckCode;
      /** For the learner: what is wrong, where (node, initializer, input) and what to change. */
      message: string;
    };

/**
 * Runs every check on `task.candidate` against `task.reference`. Refusals are returned; a malformed
 * task (bad rules, an unreadable reference) is a platform fault and throws `INVALID_TASK: …`.
 */
export function checkModel(task: ModelCheckTask): ModelCheckResult {
  validateRules(task.rules);
  const reference = readReference(task.reference);
  try {
    const model = parseCandidate(task.candidate, task.rules);
    checkExternalData(model);
    checkModelHeader(model, task.rules);
    checkNodes(model, task.rules);
    checkConstantTensors(model, task.rules);
    checkShapeBombs(model, task.rules);
    checkSignature(model.graph!, reference.graph!);
    return { ok: true, summary: summarize(model) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

class Refusal extends Error {
  readonly code: ModelCheckCode;
  constructor(code: ModelCheckCode, message: string) {
    super(message);
    this.code = code;
  }
}

function refuse(code: ModelCheckCode, message: string): never {
  throw new Refusal(code, message);
}

function invalidTask(message: string): never {
  throw new Error(`INVALID_TASK: ${message}`);
}

function validateRules(rules: ModelCheckRules): void {
  const whole = (value: number, name: string, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min) invalidTask(`rules.${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  };
  whole(rules.maxModelBytes, 'maxModelBytes', 1);
  whole(rules.minOpset, 'minOpset', 1);
  whole(rules.maxOpset, 'maxOpset', rules.minOpset);
  whole(rules.minIrVersion, 'minIrVersion', 1);
  whole(rules.maxIrVersion, 'maxIrVersion', rules.minIrVersion);
  whole(rules.maxShapeElements, 'maxShapeElements', 1);
  if (typeof rules.allowLoops !== 'boolean') invalidTask('rules.allowLoops must be a boolean');
  if (!Array.isArray(rules.allowedDomains) || rules.allowedDomains.some((d) => typeof d !== 'string'))
    invalidTask('rules.allowedDomains must be a list of strings');
}

function readReference(bytes: Uint8Array): ModelProto {
  try {
    const model = decode(bytes, Number.MAX_SAFE_INTEGER);
    if (model.graph) return model;
  } catch (error) {
    invalidTask(`the reference model does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  invalidTask('the reference model has no graph');
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Files that are often renamed .onnx by mistake, recognised by their first bytes. */
const LOOK_ALIKES: readonly { test: (b: Uint8Array) => boolean; what: string; hint: string }[] = [
  {
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]),
    what: 'a ZIP archive (a PyTorch .pt/.pth checkpoint, .keras or .npz file)',
    hint: 'export the model to ONNX (torch.onnx.export) and submit the .onnx file',
  },
  {
    test: (b) => b.length >= 2 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5,
    what: 'a Python pickle (torch.save, joblib or pickle.dump output)',
    hint: 'export the model to ONNX (torch.onnx.export, skl2onnx) and submit the .onnx file',
  },
  {
    test: (b) => startsWith(b, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]),
    what: 'an HDF5 file (a Keras .h5 model)',
    hint: 'convert it with tf2onnx and submit the .onnx file',
  },
  {
    test: (b) => startsWith(b, [0x1f, 0x8b]),
    what: 'a gzip file',
    hint: 'decompress it and submit the .onnx file itself',
  },
  {
    // A FlatBuffer: a small little-endian root offset, then the file identifier "ORTM" (an ONNX file's byte 2 is a tag, never 0).
    test: (b) => b.length >= 8 && b[2] === 0 && b[3] === 0 && b[4] === 0x4f && b[5] === 0x52 && b[6] === 0x54 && b[7] === 0x4d,
    what: "ONNX Runtime's ORT format",
    hint: 'submit the .onnx model it was converted from',
  },
  {
    // safetensors: an 8-byte little-endian header length, then the JSON header.
    test: (b) => b.length >= 10 && b[6] === 0 && b[7] === 0 && b[8] === 0x7b && b[9] === 0x22,
    what: 'a safetensors file (weights only)',
    hint: 'export the whole model to ONNX and submit the .onnx file',
  },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function parseCandidate(bytes: Uint8Array, rules: ModelCheckRules): ModelProto {
  if (bytes.byteLength > rules.maxModelBytes)
    refuse(
      'MODEL_TOO_LARGE',
      `the model is ${bytes.byteLength} bytes (${mebibytes(bytes.byteLength)}); the limit is ${rules.maxModelBytes} bytes (${mebibytes(rules.maxModelBytes)}): make it smaller (drop unused initializers, store weights in a smaller type) and submit it again`,
    );
  if (bytes.byteLength === 0) refuse('MODEL_UNPARSEABLE', 'the file is empty (0 bytes): submit the .onnx model itself');
  const lookAlike = LOOK_ALIKES.find((kind) => kind.test(bytes));
  if (lookAlike) refuse('MODEL_UNPARSEABLE', `the file is ${lookAlike.what}, not an ONNX model: ${lookAlike.hint}`);
  let model: ModelProto;
  try {
    model = decode(bytes, MAX_DECODED_BYTES);
  } catch (error) {
    if (error instanceof Refusal) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    refuse(
      'MODEL_UNPARSEABLE',
      `the file is not an ONNX model (protobuf ModelProto): ${cut(reason, 160)}; submit a model saved with onnx.save_model`,
    );
  }
  if (!model.graph)
    refuse(
      'MODEL_UNPARSEABLE',
      'the file is not an ONNX model: it parses as protobuf but holds no graph; submit a model saved with onnx.save_model',
    );
  return model;
}

/** Wire scan (limits), then decoding. Unknown fields are dropped: nothing reads them, and they would cost memory. */
function decode(bytes: Uint8Array, maxDecodedBytes: number): ModelProto {
  new WireScan(bytes, maxDecodedBytes).scan();
  return fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false, recursionLimit: WIRE_DEPTH_LIMIT + 8 });
}

// ---------------------------------------------------------------------------------------------
// Wire scan: walks the protobuf encoding by field numbers (onnx.proto) without decoding it, so that
// a small file cannot make the decoder recurse or allocate without bound.

type MessageKind =
  | 'Model'
  | 'Graph'
  | 'Node'
  | 'Attribute'
  | 'Tensor'
  | 'Sparse'
  | 'ValueInfo'
  | 'Type'
  | 'TypeTensor'
  | 'TypeOf'
  | 'TypeMap'
  | 'Shape'
  | 'Function'
  | 'Training'
  | 'Annotation'
  /** Only scalars and strings inside (OperatorSetId, StringStringEntry, Dimension, Segment). */
  | 'Leaf'
  /** Not walked (device configurations): charged as if every 2 bytes were a message. */
  | 'Opaque';
/** Repeated numbers (packed or not), bytes (decoded as views: cheap), or a message. */
type FieldKind = MessageKind | 'bytes' | 'varint32s' | 'varint64s' | 'fixed32s' | 'fixed64s';

const WIRE_FIELDS: Record<Exclude<MessageKind, 'Leaf' | 'Opaque'>, Readonly<Record<number, FieldKind>>> = {
  Model: { 7: 'Graph', 8: 'Leaf', 14: 'Leaf', 20: 'Training', 25: 'Function', 26: 'Opaque' },
  Graph: { 1: 'Node', 5: 'Tensor', 11: 'ValueInfo', 12: 'ValueInfo', 13: 'ValueInfo', 14: 'Annotation', 15: 'Sparse', 16: 'Leaf' },
  Node: { 5: 'Attribute', 9: 'Leaf', 10: 'Opaque' },
  Attribute: {
    4: 'bytes',
    5: 'Tensor',
    6: 'Graph',
    7: 'fixed32s',
    8: 'varint64s',
    9: 'bytes',
    10: 'Tensor',
    11: 'Graph',
    14: 'Type',
    15: 'Type',
    22: 'Sparse',
    23: 'Sparse',
  },
  Tensor: {
    1: 'varint64s',
    3: 'Leaf',
    4: 'fixed32s',
    5: 'varint32s',
    6: 'bytes',
    7: 'varint64s',
    9: 'bytes',
    10: 'fixed64s',
    11: 'varint64s',
    13: 'Leaf',
    16: 'Leaf',
  },
  Sparse: { 1: 'Tensor', 2: 'Tensor', 3: 'varint64s' },
  ValueInfo: { 2: 'Type', 4: 'Leaf' },
  Type: { 1: 'TypeTensor', 4: 'TypeOf', 5: 'TypeMap', 8: 'TypeTensor', 9: 'TypeOf' },
  TypeTensor: { 2: 'Shape' },
  TypeOf: { 1: 'Type' },
  TypeMap: { 2: 'Type' },
  Shape: { 1: 'Leaf' },
  Function: { 7: 'Node', 9: 'Leaf', 11: 'Attribute', 12: 'ValueInfo', 14: 'Leaf' },
  Training: { 1: 'Graph', 2: 'Graph', 3: 'Leaf', 4: 'Leaf' },
  Annotation: { 2: 'Leaf' },
};

/** Estimated heap per decoded item (see MAX_DECODED_BYTES). */
const COST = { message: 320, number: 10, bigint: 40, bytes: 64, stringOverhead: 64, opaquePerByte: 160 } as const;
/** Where a NodeProto's encoding is (its label is decoded only for a message). */
interface NodeRange {
  start: number;
  end: number;
}

/** Nested messages at most this deep; 16 levels of subgraphs need ≈ 60 (Graph → Node → Attribute per level). */
const WIRE_DEPTH_LIMIT = 100;

class WireScan {
  private cost = 0;
  private readonly bytes: Uint8Array;
  private readonly maxCost: number;

  constructor(bytes: Uint8Array, maxCost: number) {
    this.bytes = bytes;
    this.maxCost = maxCost;
  }

  scan(): void {
    this.message('Model', 0, this.bytes.length, 1, 0, []);
  }

  private charge(amount: number): void {
    this.cost += amount;
    if (this.cost > this.maxCost)
      refuse(
        'MODEL_TOO_COMPLEX',
        `the model would take more than ${mebibytes(this.maxCost)} of memory to decode (too many nodes, or large tensors stored in float_data/int64_data or strings instead of raw_data): store large tensors in raw_data (onnx.numpy_helper.from_array does) and simplify the graph`,
      );
  }

  /** Reads a varint at `pos`; returns [value, next position]. Values above 2^53 lose precision (only lengths and tags matter here). */
  private varint(pos: number, end: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new Error(`truncated data at byte ${pos}`);
      const byte = this.bytes[pos++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return [value, pos];
      scale *= 128;
    }
    throw new Error(`a malformed varint at byte ${pos}`);
  }

  /**
   * Walks one message. `graphLevel` counts subgraphs (0: the main graph); `nodes` is the chain of
   * nodes whose attributes led here, for the message.
   */
  private message(kind: MessageKind, start: number, end: number, depth: number, graphLevel: number, nodes: readonly NodeRange[]): void {
    if (depth > WIRE_DEPTH_LIMIT)
      refuse(
        'MODEL_TOO_COMPLEX',
        `the model nests protobuf messages more than ${WIRE_DEPTH_LIMIT} deep: flatten nested types and subgraphs`,
      );
    this.charge(COST.message);
    if (kind === 'Leaf' || kind === 'Opaque') {
      this.charge(kind === 'Leaf' ? 2 * (end - start) : COST.opaquePerByte * (end - start));
      return;
    }
    const fields = WIRE_FIELDS[kind];
    const path = kind === 'Node' ? [...nodes, { start, end }] : nodes;
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos, end);
      pos = afterTag;
      const field = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (field === 0) throw new Error(`an invalid field number 0 at byte ${pos}`);
      const rule: FieldKind | undefined = fields[field];
      switch (wireType) {
        case 0: {
          pos = this.varint(pos, end)[1];
          if (rule === 'varint64s') this.charge(COST.bigint);
          else if (rule === 'varint32s') this.charge(COST.number);
          else if (rule !== undefined) this.wrongWireType(field, pos);
          break;
        }
        case 1:
        case 5: {
          pos += wireType === 1 ? 8 : 4;
          if (pos > end) throw new Error(`truncated data at byte ${end}`);
          if (rule === 'fixed32s' || rule === 'fixed64s') this.charge(COST.number);
          else if (rule !== undefined) this.wrongWireType(field, pos);
          break;
        }
        case 2: {
          const [length, dataStart] = this.varint(pos, end);
          const dataEnd = dataStart + length;
          if (dataEnd > end)
            throw new Error(`truncated data: a field of ${length} bytes at byte ${dataStart} runs past the end of its message`);
          pos = dataEnd;
          this.lengthDelimited(rule, dataStart, dataEnd, depth, kind === 'Attribute' ? graphLevel + 1 : graphLevel, path);
          break;
        }
        default:
          throw new Error(`an unsupported protobuf wire type ${wireType} at byte ${pos}`);
      }
    }
  }

  private lengthDelimited(
    rule: FieldKind | undefined,
    start: number,
    end: number,
    depth: number,
    graphLevel: number,
    nodes: readonly NodeRange[],
  ): void {
    switch (rule) {
      case undefined:
        // A string (name, doc_string, …) or an unknown field: charged as a UTF-16 string.
        this.charge(COST.stringOverhead + 2 * (end - start));
        return;
      case 'bytes':
        this.charge(COST.bytes);
        return;
      case 'fixed32s':
      case 'fixed64s': {
        const width = rule === 'fixed32s' ? 4 : 8;
        if ((end - start) % width !== 0)
          throw new Error(`a packed field of ${end - start} bytes is not a multiple of ${width} at byte ${start}`);
        this.charge(((end - start) / width) * COST.number);
        return;
      }
      case 'varint32s':
      case 'varint64s': {
        let count = 0;
        for (let i = start; i < end; i++) if (this.bytes[i] < 0x80) count++;
        this.charge(count * (rule === 'varint64s' ? COST.bigint : COST.number));
        return;
      }
      case 'Graph':
        // Reached from an attribute (graphLevel was raised there), a model or a training info.
        if (graphLevel > MAX_SUBGRAPH_DEPTH)
          refuse(
            'MODEL_TOO_COMPLEX',
            `subgraphs are nested more than ${MAX_SUBGRAPH_DEPTH} deep (${nodes
              .slice(0, 3)
              .map((node) => this.nodeLabel(node))
              .join(' → ')} → …): flatten the control flow`,
          );
        this.message(rule, start, end, depth + 1, graphLevel, nodes);
        return;
      default:
        this.message(rule, start, end, depth + 1, graphLevel, nodes);
    }
  }

  private wrongWireType(field: number, pos: number): never {
    throw new Error(`field ${field} has the wrong protobuf wire type at byte ${pos}`);
  }

  /** `node "name" (OpType)` read from a NodeProto's encoding (name = 3, op_type = 4). */
  private nodeLabel({ start, end }: NodeRange): string {
    let name = '';
    let opType = '';
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos, end);
      pos = afterTag;
      const wireType = tag % 8;
      if (wireType === 2) {
        const [length, dataStart] = this.varint(pos, end);
        pos = dataStart + length;
        if (pos > end) break;
        const field = Math.floor(tag / 8);
        const text = (): string => new TextDecoder().decode(this.bytes.subarray(dataStart, Math.min(pos, dataStart + 200)));
        if (field === 3) name = text();
        if (field === 4) opType = text();
      } else if (wireType === 0) pos = this.varint(pos, end)[1];
      else if (wireType === 1) pos += 8;
      else if (wireType === 5) pos += 4;
      else break;
    }
    return name ? `node ${quote(name)} (${cut(opType, 40)})` : `a ${cut(opType, 40) || 'nameless'} node`;
  }
}

// ---------------------------------------------------------------------------------------------
// Where things are: every graph and node list of the model, with a description for messages.

interface Site {
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  sparseInitializers: readonly SparseTensorProto[];
  /** Default values of a function's attributes. */
  defaults: readonly AttributeProto[];
  /** "the main graph", `subgraph "body" of node "loop" (Loop)`, `function "f"`. */
  where: string;
  /** 0 for the main graph, training graphs and function bodies; +1 per subgraph. */
  level: number;
}

function graphSite(graph: GraphProto, where: string, level: number): Site {
  return { nodes: graph.node, initializers: graph.initializer, sparseInitializers: graph.sparseInitializer, defaults: [], where, level };
}

/** The sites under `roots` (breadth first), subgraphs of node attributes included. */
function expandSites(roots: readonly Site[]): Site[] {
  const sites = [...roots];
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    site.nodes.forEach((node, index) => {
      for (const attribute of node.attribute) {
        const graphs = [...(attribute.g ? [attribute.g] : []), ...attribute.graphs];
        for (const graph of graphs) {
          if (site.level + 1 > MAX_SUBGRAPH_DEPTH)
            refuse('MODEL_TOO_COMPLEX', `subgraphs are nested more than ${MAX_SUBGRAPH_DEPTH} deep: flatten the control flow`);
          sites.push(graphSite(graph, `subgraph ${quote(attribute.name)} of ${nodeLabel(node, index)}`, site.level + 1));
        }
      }
    });
  }
  return sites;
}

/** The main graph and its subgraphs. */
function mainSites(model: ModelProto): Site[] {
  return expandSites([graphSite(model.graph!, 'the main graph', 0)]);
}

/** Everything: main graph, training graphs, function bodies, and their subgraphs. */
function allSites(model: ModelProto): Site[] {
  const roots: Site[] = [graphSite(model.graph!, 'the main graph', 0)];
  model.trainingInfo.forEach((info, i) => {
    if (info.initialization) roots.push(graphSite(info.initialization, `the initialization graph of training_info[${i}]`, 0));
    if (info.algorithm) roots.push(graphSite(info.algorithm, `the algorithm graph of training_info[${i}]`, 0));
  });
  for (const fn of model.functions)
    roots.push({
      nodes: fn.node,
      initializers: [],
      sparseInitializers: [],
      defaults: fn.attributeProto,
      where: `function ${quote(fn.name)}`,
      level: 0,
    });
  return expandSites(roots);
}

function nodeLabel(node: NodeProto, index: number): string {
  const op = isDefaultDomain(node.domain) ? cut(node.opType, 40) : `${cut(node.domain, 40)}:${cut(node.opType, 40)}`;
  return node.name ? `node ${quote(node.name)} (${op})` : `node #${index} (${op})`;
}

interface TensorSite {
  tensor: TensorProto;
  /** e.g. `initializer "w" in the main graph`. */
  label: string;
}

/** Every tensor stored in a site: initializers, sparse initializers' parts, attribute tensors. */
function tensorsOf(site: Site): TensorSite[] {
  const found: TensorSite[] = [];
  const sparse = (tensor: SparseTensorProto, label: string): void => {
    if (tensor.values) found.push({ tensor: tensor.values, label: `the values of ${label}` });
    if (tensor.indices) found.push({ tensor: tensor.indices, label: `the indices of ${label}` });
  };
  const attribute = (attr: AttributeProto, owner: string): void => {
    if (!attr.t && attr.tensors.length === 0 && !attr.sparseTensor && attr.sparseTensors.length === 0) return;
    const label = `attribute ${quote(attr.name)} of ${owner} in ${site.where}`;
    if (attr.t) found.push({ tensor: attr.t, label: `the tensor of ${label}` });
    attr.tensors.forEach((t, i) => found.push({ tensor: t, label: `tensor ${i} of ${label}` }));
    if (attr.sparseTensor) sparse(attr.sparseTensor, `the sparse tensor of ${label}`);
    attr.sparseTensors.forEach((t, i) => sparse(t, `sparse tensor ${i} of ${label}`));
  };
  for (const t of site.initializers) found.push({ tensor: t, label: `initializer ${quote(t.name)} in ${site.where}` });
  for (const t of site.sparseInitializers) sparse(t, `sparse initializer ${quote(t.values?.name ?? '')} in ${site.where}`);
  site.nodes.forEach((node, index) => node.attribute.forEach((attr) => attribute(attr, nodeLabel(node, index))));
  for (const attr of site.defaults) attribute(attr, 'the attribute defaults');
  return found;
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkExternalData(model: ModelProto): void {
  for (const site of allSites(model)) {
    for (const { tensor, label } of tensorsOf(site)) {
      if (tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL && tensor.externalData.length === 0) continue;
      const location = tensor.externalData.find((entry) => entry.key === 'location')?.value;
      refuse(
        'MODEL_EXTERNAL_DATA',
        `${label}: its data is stored in an external file${location === undefined ? '' : ` (${quote(location)})`}; only self-contained models are accepted: save the model with every tensor inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False); the file must stay under the size limit)`,
      );
    }
  }
}

function checkModelHeader(model: ModelProto, rules: ModelCheckRules): void {
  const ir = Number(model.irVersion);
  if (ir < rules.minIrVersion || ir > rules.maxIrVersion)
    refuse(
      'MODEL_IR_VERSION_OUT_OF_RANGE',
      `the model's IR version is ${model.irVersion}; accepted IR versions are ${rules.minIrVersion}–${rules.maxIrVersion}: save it with an onnx package that writes one of them (or set model.ir_version if the model uses nothing newer)`,
    );
  if (model.functions.length > 0) {
    const names = model.functions.slice(0, 3).map((fn) => quote(fn.domain ? `${fn.domain}:${fn.name}` : fn.name));
    refuse(
      'MODEL_LOCAL_FUNCTIONS',
      `the model defines ${model.functions.length} local function(s) (${names.join(', ')}${model.functions.length > 3 ? ', …' : ''}); inline them into the graph (onnx.inliner.inline_local_functions) and submit again`,
    );
  }
  if (model.trainingInfo.length > 0)
    refuse(
      'MODEL_TRAINING_INFO',
      `the model carries training_info (${model.trainingInfo.length} entr${model.trainingInfo.length === 1 ? 'y' : 'ies'}); submit an inference-only model (clear model.training_info)`,
    );
  const allowed = allowedDomains(rules);
  const versions = new Map<string, bigint>();
  for (const opset of model.opsetImport) {
    const domain = normalizeDomain(opset.domain);
    if (!allowed.has(domain))
      refuse('MODEL_DOMAIN_NOT_ALLOWED', `the model imports operator domain ${quote(opset.domain)}; ${describeAllowed(rules)}`);
    const previous = versions.get(domain);
    if (previous !== undefined)
      refuse(
        'MODEL_OPSET_OUT_OF_RANGE',
        `the model imports domain ${quote(domain)} twice (versions ${previous} and ${opset.version}); keep one opset_import per domain`,
      );
    versions.set(domain, opset.version);
    if (opset.version < 1n)
      refuse('MODEL_OPSET_OUT_OF_RANGE', `the model imports domain ${quote(domain)} at version ${opset.version}; versions start at 1`);
  }
  const opset = versions.get('ai.onnx');
  if (opset === undefined)
    refuse(
      'MODEL_OPSET_OUT_OF_RANGE',
      `the model imports no opset of the default ONNX domain; export it with an opset between ${rules.minOpset} and ${rules.maxOpset}`,
    );
  if (opset < BigInt(rules.minOpset) || opset > BigInt(rules.maxOpset))
    refuse(
      'MODEL_OPSET_OUT_OF_RANGE',
      `the model uses opset ${opset} of the default ONNX domain; accepted opsets are ${rules.minOpset}–${rules.maxOpset}: export with an opset_version in that range (or convert with onnx.version_converter)`,
    );
}

const RANDOM_OPS = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);
/** Random in training mode (their 3rd input, or Dropout-12's training_mode). */
const DROPOUT_OPS = new Set(['Dropout', 'BiasDropout', 'BitmaskDropout', 'BitmaskBiasDropout']);
const LOOP_OPS = new Set(['Loop', 'Scan']);
/** com.microsoft's generation ops loop internally (and Sampling draws random numbers). */
const MICROSOFT_LOOP_OPS = new Set(['BeamSearch', 'GreedySearch', 'Sampling', 'WhisperBeamSearch']);

function checkNodes(model: ModelProto, rules: ModelCheckRules): void {
  const allowed = allowedDomains(rules);
  for (const site of mainSites(model)) {
    site.nodes.forEach((node, index) => {
      const label = `${nodeLabel(node, index)} in ${site.where}`;
      const domain = normalizeDomain(node.domain);
      if (!allowed.has(domain))
        refuse('MODEL_DOMAIN_NOT_ALLOWED', `${label} uses operator domain ${quote(node.domain)}; ${describeAllowed(rules)}`);
      const microsoft = domain === 'com.microsoft';
      if (RANDOM_OPS.has(node.opType) || (microsoft && node.opType === 'Sampling'))
        refuse(
          'MODEL_RANDOM_OP',
          `${label} draws random numbers; a scored model must be deterministic: remove it (or replace it with a constant)`,
        );
      if (DROPOUT_OPS.has(node.opType) && (node.input[2] ?? '') !== '' && !isConstantFalse(node.input[2], site))
        refuse(
          'MODEL_RANDOM_OP',
          `${label} may run in training mode (its training_mode input is not a constant false), which drops values at random: remove the Dropout or export the model in eval mode`,
        );
      if (!rules.allowLoops && ((domain === 'ai.onnx' && LOOP_OPS.has(node.opType)) || (microsoft && MICROSOFT_LOOP_OPS.has(node.opType))))
        refuse(
          'MODEL_LOOP_NOT_ALLOWED',
          `${label} is a loop, and this challenge does not accept Loop or Scan: unroll it (loops with a fixed trip count) or rewrite it with tensor ops; If is accepted`,
        );
    });
  }
}

function isConstantFalse(name: string, site: Site): boolean {
  const tensor =
    site.initializers.find((t) => t.name === name) ??
    site.nodes.find((n) => n.opType === 'Constant' && n.output[0] === name)?.attribute.find((a) => a.name === 'value')?.t;
  if (!tensor || tensor.dataType !== DATA_TYPE.BOOL) return false;
  const values = tensor.rawData.length > 0 ? [...tensor.rawData] : tensor.int32Data;
  return values.length === 1 && values[0] === 0;
}

function checkConstantTensors(model: ModelProto, rules: ModelCheckRules): void {
  for (const site of mainSites(model)) {
    for (const sparse of site.sparseInitializers)
      checkSparseTensor(sparse, `sparse initializer ${quote(sparse.values?.name ?? '')} in ${site.where}`, rules);
    for (const node of site.nodes)
      for (const attr of node.attribute) {
        if (attr.sparseTensor)
          checkSparseTensor(attr.sparseTensor, `the sparse tensor of attribute ${quote(attr.name)} in ${site.where}`, rules);
        for (const sparse of attr.sparseTensors)
          checkSparseTensor(sparse, `a sparse tensor of attribute ${quote(attr.name)} in ${site.where}`, rules);
      }
    for (const { tensor, label } of tensorsOf(site)) checkTensor(tensor, label, rules);
  }
}

/** Sparse tensors are made dense when ONNX Runtime loads them: their dims count like a dense tensor's. */
function checkSparseTensor(sparse: SparseTensorProto, label: string, rules: ModelCheckRules): void {
  const count = elementCount(sparse.dims, label, rules);
  const values = sparse.values;
  const indices = sparse.indices;
  if (!values || !indices) refuse('MODEL_INITIALIZER_INCONSISTENT', `${label} lacks its ${values ? 'indices' : 'values'} tensor`);
  const nonZeros = values.dims.length === 1 ? values.dims[0] : -1n;
  const rank = BigInt(sparse.dims.length);
  const indexShapeOk =
    (indices.dims.length === 1 && indices.dims[0] === nonZeros) ||
    (indices.dims.length === 2 && indices.dims[0] === nonZeros && indices.dims[1] === rank);
  if (nonZeros < 0n || nonZeros > count || !indexShapeOk || indices.dataType !== DATA_TYPE.INT64)
    refuse(
      'MODEL_INITIALIZER_INCONSISTENT',
      `${label} is malformed: values must be 1-D [NNZ] with NNZ ≤ ${count}, indices int64 [NNZ] or [NNZ, ${rank}] (got values ${formatDims(values.dims)}, indices ${dataTypeName(indices.dataType)} ${formatDims(indices.dims)})`,
    );
}

/** Dims of a constant: none negative, product within the limit. */
function elementCount(dims: readonly bigint[], label: string, rules: ModelCheckRules): bigint {
  let count = 1n;
  for (const dim of dims) {
    if (dim < 0n)
      refuse(
        'MODEL_INITIALIZER_INCONSISTENT',
        `${label} has a negative dimension (dims ${formatDims(dims)}): dimensions of a stored tensor are ≥ 0`,
      );
    count *= dim;
  }
  if (count > BigInt(rules.maxShapeElements))
    refuse(
      'MODEL_SHAPE_BOMB',
      `${label} declares dims ${formatDims(dims)}, i.e. ${formatCount(count)} elements; at most ${formatCount(BigInt(rules.maxShapeElements))} elements are accepted per tensor: make it smaller`,
    );
  return count;
}

type TypedField = 'floatData' | 'int32Data' | 'stringData' | 'int64Data' | 'doubleData' | 'uint64Data';
const TYPED_FIELDS: readonly TypedField[] = ['floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data'];
const FIELD_NAMES: Record<TypedField, string> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  stringData: 'string_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
};

interface DataTypeInfo {
  name: string;
  /** Bits per element in raw_data; null: not allowed there (strings). */
  bits: number | null;
  /** The typed field that holds values of this type, and how many entries n elements take. */
  field: TypedField;
  entries: (n: bigint) => bigint;
}

const one = (n: bigint): bigint => n;
const DATA_TYPE = { FLOAT: 1, INT64: 7, INT32: 6, BOOL: 9, DOUBLE: 11, UINT32: 12, UINT64: 13 } as const;
/** TensorProto.DataType (onnx.proto, IR 11). */
const DATA_TYPES: ReadonlyMap<number, DataTypeInfo> = new Map<number, DataTypeInfo>([
  [1, { name: 'float32', bits: 32, field: 'floatData', entries: one }],
  [2, { name: 'uint8', bits: 8, field: 'int32Data', entries: one }],
  [3, { name: 'int8', bits: 8, field: 'int32Data', entries: one }],
  [4, { name: 'uint16', bits: 16, field: 'int32Data', entries: one }],
  [5, { name: 'int16', bits: 16, field: 'int32Data', entries: one }],
  [6, { name: 'int32', bits: 32, field: 'int32Data', entries: one }],
  [7, { name: 'int64', bits: 64, field: 'int64Data', entries: one }],
  [8, { name: 'string', bits: null, field: 'stringData', entries: one }],
  [9, { name: 'bool', bits: 8, field: 'int32Data', entries: one }],
  [10, { name: 'float16', bits: 16, field: 'int32Data', entries: one }],
  [11, { name: 'float64', bits: 64, field: 'doubleData', entries: one }],
  [12, { name: 'uint32', bits: 32, field: 'uint64Data', entries: one }],
  [13, { name: 'uint64', bits: 64, field: 'uint64Data', entries: one }],
  [14, { name: 'complex64', bits: 64, field: 'floatData', entries: (n) => 2n * n }],
  [15, { name: 'complex128', bits: 128, field: 'doubleData', entries: (n) => 2n * n }],
  [16, { name: 'bfloat16', bits: 16, field: 'int32Data', entries: one }],
  [17, { name: 'float8e4m3fn', bits: 8, field: 'int32Data', entries: one }],
  [18, { name: 'float8e4m3fnuz', bits: 8, field: 'int32Data', entries: one }],
  [19, { name: 'float8e5m2', bits: 8, field: 'int32Data', entries: one }],
  [20, { name: 'float8e5m2fnuz', bits: 8, field: 'int32Data', entries: one }],
  [21, { name: 'uint4', bits: 4, field: 'int32Data', entries: (n) => (n + 1n) / 2n }],
  [22, { name: 'int4', bits: 4, field: 'int32Data', entries: (n) => (n + 1n) / 2n }],
  [23, { name: 'float4e2m1', bits: 4, field: 'int32Data', entries: (n) => (n + 1n) / 2n }],
  [24, { name: 'float8e8m0', bits: 8, field: 'int32Data', entries: one }],
  [25, { name: 'uint2', bits: 2, field: 'int32Data', entries: (n) => (n + 3n) / 4n }],
  [26, { name: 'int2', bits: 2, field: 'int32Data', entries: (n) => (n + 3n) / 4n }],
]);

function dataTypeName(dataType: number): string {
  return DATA_TYPES.get(dataType)?.name ?? `data type ${dataType}`;
}

function checkTensor(tensor: TensorProto, label: string, rules: ModelCheckRules): void {
  const count = elementCount(tensor.dims, label, rules);
  const info = DATA_TYPES.get(tensor.dataType);
  if (!info)
    refuse(
      'MODEL_INITIALIZER_INCONSISTENT',
      `${label} has data type ${tensor.dataType}, which ONNX does not define: store it as one of ONNX's tensor types`,
    );
  const described = `${label} (${info.name} ${formatDims(tensor.dims)}, ${formatCount(count)} elements)`;
  if (tensor.rawData.length > 0) {
    if (info.bits === null)
      refuse('MODEL_INITIALIZER_INCONSISTENT', `${described} stores raw_data, but string tensors keep their values in string_data`);
    const expected = (count * BigInt(info.bits) + 7n) / 8n;
    if (BigInt(tensor.rawData.length) !== expected)
      refuse(
        'MODEL_INITIALIZER_INCONSISTENT',
        `${described} holds ${tensor.rawData.length} bytes of raw_data, but its dims need ${expected} bytes: make its dims and its data agree`,
      );
    return;
  }
  const present = TYPED_FIELDS.filter((field) => tensor[field].length > 0);
  const stray = present.find((field) => field !== info.field);
  if (stray)
    refuse(
      'MODEL_INITIALIZER_INCONSISTENT',
      `${described} stores its values in ${FIELD_NAMES[stray]}, which ${info.name} tensors do not use: use ${FIELD_NAMES[info.field]} or raw_data`,
    );
  const expected = count === 0n ? 0n : info.entries(count);
  const actual = BigInt(tensor[info.field].length);
  if (actual !== expected)
    refuse(
      'MODEL_INITIALIZER_INCONSISTENT',
      actual === 0n
        ? `${described} holds no data: store its values in raw_data`
        : `${described} holds ${actual} values in ${FIELD_NAMES[info.field]}, but its dims need ${expected}: make its dims and its data agree`,
    );
}

// ---------------------------------------------------------------------------------------------
// Shape bombs: node outputs whose size is known before the model runs. A small constant
// propagation follows shapes through the ops that usually compute them (what ONNX Runtime's own
// constant folding would evaluate at session creation).

/** What is known about a value before the model runs. */
interface Fact {
  /** Its dims; null where unknown. */
  dims?: readonly (number | null)[];
  /** Its values (flattened), when it is a small integer tensor. */
  ints?: readonly bigint[];
  /** Its values (flattened), when it is a small float tensor. */
  floats?: readonly number[];
}

/** Values are kept for tensors up to this many elements (shapes, scales, axes). */
const MAX_KNOWN_VALUES = 1024;

class Scope {
  private readonly facts = new Map<string, Fact>();
  private readonly parent: Scope | null;

  constructor(parent: Scope | null) {
    this.parent = parent;
  }

  get(name: string | undefined): Fact {
    if (!name) return {};
    return this.facts.get(name) ?? this.parent?.get(name) ?? {};
  }

  set(name: string | undefined, fact: Fact): void {
    if (name) this.facts.set(name, fact);
  }
}

interface BombContext {
  rules: ModelCheckRules;
  /** The default domain's opset (Resize's inputs moved at opset 11). */
  opset: number;
}

function checkShapeBombs(model: ModelProto, rules: ModelCheckRules): void {
  const opset = Number(model.opsetImport.find((o) => isDefaultDomain(o.domain))?.version ?? 0n);
  propagate(model.graph!, new Scope(null), 'the main graph', { rules, opset });
}

function propagate(graph: GraphProto, outer: Scope, where: string, context: BombContext): void {
  const scope = new Scope(outer);
  for (const input of graph.input) scope.set(input.name, { dims: declaredDims(input) });
  for (const tensor of graph.initializer) scope.set(tensor.name, tensorFact(tensor));
  const order = topologicalOrder(graph.node);
  for (const index of order) {
    const node = graph.node[index];
    const fact = evaluate(node, scope, () => `${nodeLabel(node, index)} in ${where}`, context);
    if (fact) scope.set(node.output[0], fact);
  }
  // Subgraphs after the whole graph: the outer values they read are all known by then.
  graph.node.forEach((node, index) => {
    for (const attr of node.attribute)
      for (const sub of [...(attr.g ? [attr.g] : []), ...attr.graphs])
        propagate(sub, scope, `subgraph ${quote(attr.name)} of ${nodeLabel(node, index)}`, context);
  });
}

/** Kahn's order over the graph's own edges (ONNX Runtime sorts unsorted graphs too); nodes in a cycle are left out. */
function topologicalOrder(nodes: readonly NodeProto[]): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((node, index) => node.output.forEach((name) => name && producer.set(name, index)));
  const waiting = nodes.map(() => 0);
  const consumers = nodes.map((): number[] => []);
  nodes.forEach((node, index) => {
    for (const name of new Set(node.input)) {
      const from = name ? producer.get(name) : undefined;
      if (from === undefined || from === index) continue;
      waiting[index]++;
      consumers[from].push(index);
    }
  });
  const order = nodes.map((_, index) => index).filter((index) => waiting[index] === 0);
  for (let i = 0; i < order.length; i++) for (const next of consumers[order[i]]) if (--waiting[next] === 0) order.push(next);
  return order;
}

function declaredDims(info: ValueInfoProto): Fact['dims'] {
  const value = info.type?.value;
  if (value?.case !== 'tensorType' || !value.value.shape) return undefined;
  return value.value.shape.dim.map((d) => (d.value.case === 'dimValue' && d.value.value >= 0n ? Number(d.value.value) : null));
}

function tensorFact(tensor: TensorProto): Fact {
  const dims = tensor.dims.map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_KNOWN_VALUES) return { dims };
  return { dims, ints: tensorInts(tensor, count), floats: tensorFloats(tensor, count) };
}

function tensorInts(tensor: TensorProto, count: number): bigint[] | undefined {
  const raw = tensor.rawData.length > 0 ? new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength) : null;
  const read = (width: number, get: (view: DataView, offset: number) => bigint): bigint[] | undefined =>
    raw && raw.byteLength === count * width ? Array.from({ length: count }, (_, i) => get(raw, i * width)) : undefined;
  switch (tensor.dataType) {
    case DATA_TYPE.INT64:
      return raw ? read(8, (v, o) => v.getBigInt64(o, true)) : tensor.int64Data.slice();
    case DATA_TYPE.UINT64:
      return raw ? read(8, (v, o) => v.getBigUint64(o, true)) : tensor.uint64Data.slice();
    case DATA_TYPE.INT32:
      return raw ? read(4, (v, o) => BigInt(v.getInt32(o, true))) : tensor.int32Data.map(BigInt);
    case DATA_TYPE.UINT32:
      return raw ? read(4, (v, o) => BigInt(v.getUint32(o, true))) : tensor.uint64Data.slice();
    default:
      return undefined;
  }
}

function tensorFloats(tensor: TensorProto, count: number): number[] | undefined {
  const raw = tensor.rawData.length > 0 ? new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength) : null;
  if (tensor.dataType === DATA_TYPE.FLOAT)
    return raw
      ? raw.byteLength === count * 4
        ? Array.from({ length: count }, (_, i) => raw.getFloat32(i * 4, true))
        : undefined
      : tensor.floatData.slice();
  if (tensor.dataType === DATA_TYPE.DOUBLE)
    return raw
      ? raw.byteLength === count * 8
        ? Array.from({ length: count }, (_, i) => raw.getFloat64(i * 8, true))
        : undefined
      : tensor.doubleData.slice();
  return undefined;
}

function intAttribute(node: NodeProto, name: string): bigint | undefined {
  return node.attribute.find((a) => a.name === name)?.i;
}

const INT_TYPES = new Set<number>([2, 3, 4, 5, 6, 7, 12, 13]);

/** What `node`'s first output is known to be; refuses the node if it would be a shape bomb. */
function evaluate(node: NodeProto, scope: Scope, label: () => string, context: BombContext): Fact | undefined {
  if (!isDefaultDomain(node.domain)) return undefined;
  const input = (i: number): Fact => scope.get(node.input[i]);
  const limit = BigInt(context.rules.maxShapeElements);
  const bomb = (dims: readonly bigint[], how: string): void => {
    const count = dims.reduce((a, b) => a * (b > 0n ? b : 0n), 1n);
    if (count > limit)
      refuse(
        'MODEL_SHAPE_BOMB',
        `${label()} would produce ${formatDims(dims)}, i.e. ${formatCount(count)} elements, ${how}; at most ${formatCount(limit)} elements are accepted per tensor: make it smaller`,
      );
  };
  const fromDims = (dims: readonly bigint[]): Fact => ({
    dims: dims.map((d) => (d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : null)),
  });
  switch (node.opType) {
    case 'Constant': {
      const attr = node.attribute[0];
      if (!attr) return undefined;
      if (attr.t) return tensorFact(attr.t);
      if (attr.name === 'value_int') return { dims: [], ints: [attr.i] };
      if (attr.name === 'value_ints' && attr.ints.length <= MAX_KNOWN_VALUES) return { dims: [attr.ints.length], ints: attr.ints };
      if (attr.name === 'value_float') return { dims: [], floats: [attr.f] };
      if (attr.name === 'value_floats' && attr.floats.length <= MAX_KNOWN_VALUES)
        return { dims: [attr.floats.length], floats: attr.floats };
      return undefined;
    }
    case 'Identity':
      return input(0);
    case 'Cast': {
      const from = input(0);
      const to = Number(intAttribute(node, 'to') ?? 0n);
      if (INT_TYPES.has(to)) {
        if (from.ints) return { dims: from.dims, ints: from.ints };
        if (from.floats?.every(Number.isFinite))
          return { dims: from.dims, ints: from.floats.map((f) => BigInt.asIntN(64, BigInt(Math.trunc(f)))) };
      }
      if (to === DATA_TYPE.FLOAT || to === DATA_TYPE.DOUBLE) {
        if (from.floats) return { dims: from.dims, floats: from.floats };
        if (from.ints) return { dims: from.dims, floats: from.ints.map(Number) };
      }
      return { dims: from.dims };
    }
    case 'Shape': {
      const dims = input(0).dims;
      if (!dims || dims.some((d) => d === null)) return dims ? { dims: [dims.length] } : undefined;
      const rank = dims.length;
      const clamp = (v: bigint | undefined, fallback: number): number => {
        const n = v === undefined ? fallback : Number(v) < 0 ? Number(v) + rank : Number(v);
        return Math.min(Math.max(n, 0), rank);
      };
      const picked = dims.slice(clamp(intAttribute(node, 'start'), 0), clamp(intAttribute(node, 'end'), rank));
      return { dims: [picked.length], ints: picked.map((d) => BigInt(d!)) };
    }
    case 'Size': {
      const dims = input(0).dims;
      return dims && dims.every((d) => d !== null)
        ? {
            dims: [],
            ints: [
              BigInt.asIntN(
                64,
                dims.reduce<bigint>((a, b) => a * BigInt(b!), 1n),
              ),
            ],
          }
        : { dims: [] };
    }
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Reshape':
    case 'Flatten': {
      if (node.opType === 'Reshape') {
        const shape = input(1).ints;
        if (shape)
          bomb(
            shape.filter((d) => d > 0n),
            'from a shape known before the model runs',
          );
      }
      const from = input(0);
      return from.ints ? { ints: from.ints } : from.floats ? { floats: from.floats } : undefined;
    }
    case 'Concat': {
      const parts = node.input.map((_, i) => input(i).ints);
      const axis = intAttribute(node, 'axis') ?? 0n;
      if (parts.length === 0 || parts.some((p) => p === undefined) || (axis !== 0n && axis !== -1n)) return undefined;
      const ints = parts.flatMap((p) => p!);
      return ints.length <= MAX_KNOWN_VALUES ? { dims: [ints.length], ints } : undefined;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Max':
    case 'Min': {
      const a = input(0).ints;
      const b = input(1).ints;
      if (!a || !b || node.input.length !== 2 || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
      const length = Math.max(a.length, b.length);
      const ints: bigint[] = [];
      for (let i = 0; i < length; i++) {
        const x = a[a.length === 1 ? 0 : i];
        const y = b[b.length === 1 ? 0 : i];
        if (node.opType === 'Div' && y === 0n) return undefined;
        // int64 arithmetic wraps in ONNX Runtime; wrapping here also keeps the numbers small.
        ints.push(BigInt.asIntN(64, arithmetic(node.opType, x, y)));
      }
      return { dims: (a.length >= b.length ? input(0) : input(1)).dims, ints };
    }
    case 'Gather': {
      const data = input(0).ints;
      const indices = input(1).ints;
      if (!data || !indices || (intAttribute(node, 'axis') ?? 0n) !== 0n || input(0).dims?.length !== 1) return undefined;
      const picked = indices.map((i) => data[Number(i < 0n ? i + BigInt(data.length) : i)]);
      return picked.every((v) => v !== undefined) ? { dims: input(1).dims, ints: picked } : undefined;
    }
    case 'ConstantOfShape': {
      const shape = input(0).ints;
      if (!shape) return undefined;
      bomb(shape, 'from a shape known before the model runs');
      return fromDims(shape);
    }
    case 'Expand': {
      const shape = input(1).ints;
      if (!shape) return undefined;
      const dims = broadcastLowerBound(input(0).dims, shape);
      bomb(dims, 'from a shape known before the model runs');
      return fromDims(dims);
    }
    case 'Tile': {
      const repeats = input(1).ints;
      if (!repeats) return undefined;
      const dims = input(0).dims;
      const tiled = repeats.map((r, i) => BigInt(dims?.[i] ?? 1) * (r > 0n ? r : 0n));
      bomb(tiled, 'by tiling with repeats known before the model runs');
      return fromDims(tiled);
    }
    case 'Resize':
    case 'Upsample': {
      // Resize-10 and Upsample-9: (X, scales); Resize-11+: (X, roi, scales, sizes); Upsample-7: a scales attribute.
      const modern = node.opType === 'Resize' && context.opset >= 11;
      const sizes = modern ? input(3).ints : undefined;
      if (sizes) bomb(sizes, 'from sizes known before the model runs');
      const scales = (modern ? input(2).floats : input(1).floats) ?? node.attribute.find((a) => a.name === 'scales')?.floats;
      if (!sizes && scales && scales.length > 0) {
        const dims = input(0).dims;
        bomb(
          scales.map((s, i) => wholeCount(s * (dims?.[i] ?? 1))),
          'from scales known before the model runs',
        );
      }
      return undefined;
    }
    case 'Pad': {
      const pads = input(1).ints ?? node.attribute.find((a) => a.name === 'pads')?.ints;
      const dims = input(0).dims;
      if (!pads || !dims || pads.length !== 2 * dims.length) return undefined;
      const padded = dims.map((d, i) => {
        const size = BigInt(d ?? 0) + pads[i] + pads[i + dims.length];
        return size > 0n ? size : 0n;
      });
      bomb(padded, 'by padding with amounts known before the model runs');
      return fromDims(padded);
    }
    case 'Range': {
      const start = input(0).ints?.[0] ?? input(0).floats?.[0];
      const end = input(1).ints?.[0] ?? input(1).floats?.[0];
      const step = input(2).ints?.[0] ?? input(2).floats?.[0];
      if (start === undefined || end === undefined || step === undefined || Number(step) === 0) return undefined;
      const count = wholeCount(Math.ceil((Number(end) - Number(start)) / Number(step)));
      bomb([count], 'from bounds known before the model runs');
      return fromDims([count]);
    }
    case 'OneHot': {
      const depth = input(1).ints?.[0] ?? input(1).floats?.[0];
      if (depth === undefined) return undefined;
      const indices = input(0).dims ?? [];
      const dims = [...indices.map((d) => BigInt(d ?? 1)), wholeCount(Number(depth))];
      bomb(dims, 'from a depth known before the model runs');
      return fromDims(dims);
    }
    default:
      return undefined;
  }
}

function arithmetic(op: string, x: bigint, y: bigint): bigint {
  switch (op) {
    case 'Add':
      return x + y;
    case 'Sub':
      return x - y;
    case 'Mul':
      return x * y;
    case 'Div':
      return x / y;
    case 'Max':
      return x > y ? x : y;
    default:
      return x < y ? x : y;
  }
}

/** A non-negative whole number of elements from a float: NaN and negatives are 0, +∞ is huge. */
function wholeCount(value: number): bigint {
  if (Number.isNaN(value) || value <= 0) return 0n;
  return value === Infinity ? 10n ** 300n : BigInt(Math.floor(value));
}

/** Numpy-style broadcast of an input of (partly known) dims to `shape`: the smallest output it can have. */
function broadcastLowerBound(inputDims: readonly (number | null)[] | undefined, shape: readonly bigint[]): bigint[] {
  const dims = inputDims ?? [];
  const rank = Math.max(dims.length, shape.length);
  const out: bigint[] = [];
  for (let i = 0; i < rank; i++) {
    const s = shape[i - (rank - shape.length)] ?? 1n;
    const d = BigInt(dims[i - (rank - dims.length)] ?? 1);
    out.push(s === 1n ? d : d === 1n ? (s > 0n ? s : 0n) : s > d ? s : d);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signature

interface Port {
  name: string;
  type: TypeProto | undefined;
}

function ports(graph: GraphProto, which: 'input' | 'output'): Port[] {
  const stored = new Set([...graph.initializer.map((t) => t.name), ...graph.sparseInitializer.map((t) => t.values?.name ?? '')]);
  return graph[which].filter((v) => which === 'output' || !stored.has(v.name)).map((v) => ({ name: v.name, type: v.type }));
}

function checkSignature(candidate: GraphProto, reference: GraphProto): void {
  for (const which of ['input', 'output'] as const) {
    const expected = ports(reference, which);
    const actual = ports(candidate, which);
    const names = expected.map((p) => quote(p.name)).join(', ');
    for (const port of expected) {
      const mine = actual.find((p) => p.name === port.name);
      if (!mine)
        refuse(
          'MODEL_SIGNATURE_MISMATCH',
          `the model has no ${which} ${quote(port.name)}; the reference's ${which}s are ${names}: name the model's ${which}s exactly like the reference's`,
        );
      compareTypes(`${which} ${quote(port.name)}`, mine.type, port.type);
    }
    const extra = actual.find((p) => !expected.some((e) => e.name === p.name));
    if (extra)
      refuse(
        'MODEL_SIGNATURE_MISMATCH',
        `the model has an ${which} ${quote(extra.name)} that the reference does not have (its ${which}s are ${names}): remove it`,
      );
  }
}

function compareTypes(what: string, actual: TypeProto | undefined, expected: TypeProto | undefined): void {
  if (!expected?.value.case) return;
  if (actual?.value.case !== expected.value.case)
    refuse('MODEL_SIGNATURE_MISMATCH', `${what} is ${typeKind(actual)}; the reference's is ${typeKind(expected)}: declare it the same way`);
  if (expected.value.case !== 'tensorType' || actual.value.case !== 'tensorType') return;
  const mine = actual.value.value;
  const theirs = expected.value.value;
  if (mine.elemType !== theirs.elemType)
    refuse(
      'MODEL_SIGNATURE_MISMATCH',
      `${what} has element type ${dataTypeName(mine.elemType)}; the reference's is ${dataTypeName(theirs.elemType)}: cast it to ${dataTypeName(theirs.elemType)}`,
    );
  if (!mine.shape || !theirs.shape) return;
  const a = mine.shape.dim.map(dimText);
  const b = theirs.shape.dim.map(dimText);
  const shapes = `${what} has shape [${a.join(', ')}]; the reference's is [${b.join(', ')}]`;
  if (a.length !== b.length) refuse('MODEL_SIGNATURE_MISMATCH', `${shapes}: it must have ${b.length} dimension(s)`);
  mine.shape.dim.forEach((dim, i) => {
    const other = theirs.shape!.dim[i];
    if (dim.value.case === 'dimValue' && other.value.case === 'dimValue' && dim.value.value !== other.value.value)
      refuse('MODEL_SIGNATURE_MISMATCH', `${shapes}: dimension ${i} must be ${other.value.value} (or symbolic)`);
  });
}

function typeKind(type: TypeProto | undefined): string {
  switch (type?.value.case) {
    case undefined:
      return 'declared without a type';
    case 'tensorType':
      return 'a tensor';
    case 'sequenceType':
      return 'a sequence';
    case 'mapType':
      return 'a map';
    case 'optionalType':
      return 'an optional';
    case 'sparseTensorType':
      return 'a sparse tensor';
  }
}

function dimText(dim: TensorShapeProto_Dimension): string {
  if (dim.value.case === 'dimValue') return String(dim.value.value);
  if (dim.value.case === 'dimParam' && dim.value.value) return cut(dim.value.value, 20);
  return '?';
}

// ---------------------------------------------------------------------------------------------
// Summary and helpers

function summarize(model: ModelProto): ModelCheckSummary {
  const opTypes = new Map<string, number>();
  let nodes = 0;
  let initializerBytes = 0;
  for (const site of mainSites(model)) {
    for (const node of site.nodes) {
      nodes++;
      const key = isDefaultDomain(node.domain) ? node.opType : `${node.domain}:${node.opType}`;
      opTypes.set(key, (opTypes.get(key) ?? 0) + 1);
    }
    for (const { tensor } of tensorsOf(site)) initializerBytes += tensorBytes(tensor);
  }
  return {
    irVersion: Number(model.irVersion),
    opsets: Object.fromEntries(model.opsetImport.map((o) => [normalizeDomain(o.domain), Number(o.version)])),
    nodes,
    initializerBytes,
    opTypes: Object.fromEntries([...opTypes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

function tensorBytes(tensor: TensorProto): number {
  const info = DATA_TYPES.get(tensor.dataType);
  if (info?.bits === null) return tensor.stringData.reduce((sum, s) => sum + s.length, 0);
  const count = tensor.dims.reduce((a, b) => a * Number(b), 1);
  return Math.ceil((count * (info?.bits ?? 0)) / 8);
}

function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

function normalizeDomain(domain: string): string {
  return isDefaultDomain(domain) ? 'ai.onnx' : domain;
}

function allowedDomains(rules: ModelCheckRules): Set<string> {
  return new Set(rules.allowedDomains.map(normalizeDomain));
}

function describeAllowed(rules: ModelCheckRules): string {
  const domains = [...allowedDomains(rules)].map((d) => (d === 'ai.onnx' ? 'the default ONNX domain' : d));
  return `only ${domains.join(', ')} are accepted: replace its nodes with standard ONNX operators`;
}

/** A name from the model, quoted, escaped and cut, so that messages stay short and on one line. */
function quote(text: string): string {
  return JSON.stringify(cut(text, 60));
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatDims(dims: readonly bigint[]): string {
  const shown = dims.slice(0, 8).map(String);
  return `[${shown.join(', ')}${dims.length > 8 ? `, … (${dims.length} dims)` : ''}]`;
}

function formatCount(count: bigint): string {
  if (count < 10n ** 12n) return count.toLocaleString('en-US');
  return count < 10n ** 300n ? Number(count).toExponential(2) : 'more than 1e300';
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
