import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type StringStringEntryProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

/**
 * Small composable builders for ONNX models, written with onnx-buf (the ONNX protobuf compiled
 * for @bufbuild/protobuf). The catalog builds its reference models and known solutions with
 * these in TypeScript: no Python, no download, same bytes for the same seed.
 */

export type ElementType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';
/** A fixed size, or a symbolic dimension name such as "batch". */
export type Dimension = number | string;

const DATA_TYPES: Record<ElementType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  float64: TensorProto_DataType.DOUBLE,
  int64: TensorProto_DataType.INT64,
  int32: TensorProto_DataType.INT32,
  uint8: TensorProto_DataType.UINT8,
  int8: TensorProto_DataType.INT8,
  bool: TensorProto_DataType.BOOL,
};

export function onnxDataType(type: ElementType): TensorProto_DataType {
  return DATA_TYPES[type];
}

/** Values of an initializer, in row-major order. Integers and booleans go as plain numbers. */
export type TensorValues = Float32Array | Float64Array | readonly number[];

export type AttributeValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  /** A subgraph, e.g. the body of Loop or the branches of If. */
  | { readonly type: 'graph'; readonly value: GraphProto };

/**
 * Attribute constructors. ONNX distinguishes int from float attributes (epsilon = 1 is not axis = 1),
 * so the kind is always spelled out at the call site.
 */
export const attr = {
  int: (value: number): AttributeValue => ({ type: 'int', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
  ints: (value: readonly number[]): AttributeValue => ({ type: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  graph: (value: GraphProto): AttributeValue => ({ type: 'graph', value }),
};

function attributeProto(name: string, value: AttributeValue): AttributeProto {
  switch (value.type) {
    case 'int':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value.value) });
    case 'float':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value.value });
    case 'string':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value.value) });
    case 'ints':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.value.map((v) => BigInt(v)) });
    case 'floats':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOATS, floats: [...value.value] });
    case 'graph':
      return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.GRAPH, g: value.value });
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian raw bytes, as ONNX's raw_data requires whatever the host's byte order. */
function rawBytes(type: ElementType, values: TensorValues): Uint8Array<ArrayBuffer> {
  // Fast path for the weights (megabytes of them): on a little-endian host the array's own memory is the encoding.
  if (HOST_IS_LITTLE_ENDIAN && type === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  if (HOST_IS_LITTLE_ENDIAN && type === 'float64') return new Uint8Array(Float64Array.from(values).buffer);
  const width = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, int8: 1, bool: 1 }[type];
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    switch (type) {
      case 'float32':
        view.setFloat32(i * 4, v, true);
        break;
      case 'float64':
        view.setFloat64(i * 8, v, true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(v), true);
        break;
      case 'int32':
        view.setInt32(i * 4, v, true);
        break;
      case 'uint8':
      case 'bool':
        view.setUint8(i, v);
        break;
      case 'int8':
        view.setInt8(i, v);
        break;
    }
  }
  return bytes;
}

export function tensorProto(name: string, type: ElementType, dims: readonly number[], values: TensorValues): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`tensor ${name}: dims ${JSON.stringify(dims)} hold ${count} values, got ${values.length}`);
  return create(TensorProtoSchema, {
    name,
    dataType: onnxDataType(type),
    dims: dims.map((d) => BigInt(d)),
    rawData: rawBytes(type, values),
  });
}

export function valueInfo(name: string, type: ElementType, shape: readonly Dimension[]): ValueInfoProto {
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, { elemType: onnxDataType(type), shape: create(TensorShapeProtoSchema, { dim }) }),
      },
    }),
  });
}

export function nodeProto(
  name: string,
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  domain = '',
): NodeProto {
  return create(NodeProtoSchema, {
    name,
    opType,
    domain,
    input: [...inputs],
    output: [...outputs],
    // Sorted so that attribute order never depends on how a call site wrote its object.
    attribute: Object.keys(attributes)
      .sort()
      .map((key) => attributeProto(key, attributes[key])),
  });
}

export interface OpOptions {
  /** Name of the (first) output; by default a fresh name derived from the op type. */
  readonly output?: string;
  readonly domain?: string;
}

/**
 * Builds one graph. Names of nodes, initializers and intermediate values are derived from
 * counters, so the same sequence of calls always produces the same graph (and the same bytes).
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly name: string) {}

  /** `hint` itself if it is still free (weights keep names like `fc0.weight`), else `hint_1`, `hint_2` … */
  fresh(hint: string): string {
    let n = this.counters.get(hint) ?? 0;
    let candidate = n === 0 ? hint : `${hint}_${n}`;
    while (this.usedNames.has(candidate)) candidate = `${hint}_${++n}`;
    this.counters.set(hint, n + 1);
    return this.claim(candidate);
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`value name ${name} is used twice in graph ${this.name}`);
    this.usedNames.add(name);
    return name;
  }

  input(name: string, type: ElementType, shape: readonly Dimension[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, shape));
    return name;
  }

  /** Declares a graph output; the value itself is produced by an op with `{ output: name }`. */
  output(name: string, type: ElementType, shape: readonly Dimension[]): void {
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** A weight or constant; `hint` becomes the start of its (unique) name. */
  initializer(hint: string, type: ElementType, dims: readonly number[], values: TensorValues): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  /** An int64 vector initializer (shapes, axes, slice bounds). */
  int64s(hint: string, values: readonly number[]): string {
    return this.initializer(hint, 'int64', [values.length], values);
  }

  /** A float scalar initializer (shape []). */
  scalar(hint: string, value: number, type: 'float32' | 'float64' = 'float32'): string {
    return this.initializer(hint, type, [], [value]);
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: OpOptions = {}): string {
    return this.opMulti(opType, inputs, 1, attributes, options)[0];
  }

  /** Adds a node with `outputCount` outputs and returns their names. */
  opMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    options: OpOptions = {},
  ): string[] {
    const hint = opType.toLowerCase();
    const outputs = Array.from({ length: outputCount }, (_, i) =>
      i === 0 && options.output ? this.claim(options.output) : this.fresh(hint),
    );
    this.nodes.push(nodeProto(this.fresh(`${opType}_node`), opType, inputs, outputs, attributes, options.domain));
    return outputs;
  }

  build(): GraphProto {
    if (this.outputs.length === 0) throw new Error(`graph ${this.name} has no outputs`);
    return create(GraphProtoSchema, {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }
}

/** Opset 17 is the first with LayerNormalization and is what current exporters default to or above. */
export const DEFAULT_OPSET = 17;
/** IR version 8 is the one onnx 1.12–1.14 writes for opset 17; every ONNX Runtime since 1.12 reads it. */
export const DEFAULT_IR_VERSION = 8;
export const PRODUCER_NAME = 'proving-ground-catalog';

export interface ModelOptions {
  readonly opset?: number;
  readonly irVersion?: number;
  readonly docString?: string;
  /** Stored as metadata_props in key order (e.g. the generator, the seed, a license). */
  readonly metadata?: Record<string, string>;
}

export function modelProto(graph: GraphProto, options: ModelOptions = {}): ModelProto {
  return create(ModelProtoSchema, {
    irVersion: BigInt(options.irVersion ?? DEFAULT_IR_VERSION),
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(options.opset ?? DEFAULT_OPSET) })],
    producerName: PRODUCER_NAME,
    producerVersion: '1',
    docString: options.docString ?? '',
    graph,
    metadataProps: Object.keys(options.metadata ?? {})
      .sort()
      .map((key) => create(StringStringEntryProtoSchema, { key, value: (options.metadata ?? {})[key] })),
  });
}

export function serializeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

/** Builds the graph and serializes it as a complete model. */
export function buildModelBytes(graph: GraphBuilder, options: ModelOptions = {}): Uint8Array {
  return serializeModel(modelProto(graph.build(), options));
}

export function parseModel(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}

/** How often each op type occurs in a model's main graph. */
export function opTypeCounts(model: ModelProto): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of model.graph?.node ?? []) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return counts;
}

export function metadataEntry(key: string, value: string): StringStringEntryProto {
  return create(StringStringEntryProtoSchema, { key, value });
}
