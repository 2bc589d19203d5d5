import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response, Test } from 'supertest';
import request from 'supertest';

/** The parts of an OpenAPI 3.0 document this checker reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}
export interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
  security?: unknown[];
}
export type JsonSchema = Record<string, any>;

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
const DOC_ID = 'openapi.json';

/** `METHOD /path/{template}` — the key under which an operation's exercised statuses are recorded. */
export type OperationKey = string;

/**
 * OpenAPI 3.0 schemas as JSON Schema for ajv: `nullable` becomes a `null` type
 * (and a `null` enum member), and object schemas that list their properties
 * refuse any other property unless they say `additionalProperties` themselves,
 * so that a field the API answers but the document does not mention is found.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'example' || k === 'examples' || k === 'nullable' || k === 'xml' || k === 'externalDocs' || k === 'deprecated') continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, toJsonSchema(s)])) : toJsonSchema(v);
  }
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace(/^#\/components\//, `${DOC_ID}#/components/`);
  if ((schema as JsonSchema).nullable === true) {
    if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (!out.type) return { anyOf: [out, { type: 'null' }] };
  }
  if (out.properties && out.additionalProperties === undefined && !out.allOf && !out.oneOf && !out.anyOf) out.additionalProperties = false;
  return out;
}

const requestTarget = (url: string) => new URL(url, 'http://localhost');

/**
 * Checks real responses against the OpenAPI document: each answer's status
 * must be documented for its operation, its content type must be one the
 * document names, and a JSON body must validate against the documented schema.
 * Records which operations were exercised and with which statuses.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; segments: string[]; literals: number }[];
  /** Operation → the statuses it answered in this process's tests. */
  readonly exercised = new Map<OperationKey, Set<number>>();

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: DOC_ID, components: toJsonSchema(doc.components) as object });
    this.templates = Object.keys(doc.paths)
      .map((template) => {
        const segments = template.split('/');
        return { template, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
      })
      // A literal segment wins over a parameter (`/users/me` before `/users/{id}`).
      .sort((a, b) => b.literals - a.literals);
  }

  /** The documented operation that serves `method url`, if any (query and fragment ignored). */
  operationFor(method: string, url: string): { key: OperationKey; template: string; operation: OpenApiOperation } | undefined {
    const m = method.toLowerCase();
    const segments = requestTarget(url).pathname.replace(/\/$/, '').split('/');
    for (const t of this.templates) {
      if (t.segments.length !== segments.length) continue;
      if (!t.segments.every((s, i) => s.startsWith('{') ? segments[i] !== '' : s === segments[i])) continue;
      const operation = this.doc.paths[t.template][m];
      if (operation) return { key: `${m.toUpperCase()} ${t.template}`, template: t.template, operation };
    }
    return undefined;
  }

  /** Problems of one answer, empty when it agrees with the document (or no documented operation serves it). */
  check(method: string, url: string, res: Pick<Response, 'status' | 'headers' | 'body' | 'text'>): string[] {
    const found = this.operationFor(method, url);
    if (!found) return [];
    const { key, operation } = found;
    if (!this.exercised.has(key)) this.exercised.set(key, new Set());
    this.exercised.get(key)!.add(res.status);
    const what = `${key} answered ${res.status}`;
    const documented = operation.responses[String(res.status)] ?? operation.responses.default;
    if (!documented) return [`${what}, which the document does not list (it lists ${Object.keys(operation.responses).join(', ')})`];
    const contentType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
    const hasBody = res.status !== 204 && res.status !== 304 && method.toLowerCase() !== 'head' && (res.text ?? '').length > 0;
    if (!hasBody) return [];
    const content = documented.content ?? {};
    if (!Object.keys(content).length) return [`${what} with a ${contentType} body, but the document describes no content`];
    const media = content[contentType] ?? content['*/*'];
    if (!media) return [`${what} as ${contentType}; the document names ${Object.keys(content).join(', ')}`];
    if (!media.schema || !/json$/.test(contentType)) return [];
    const validate = this.validatorFor(`${key} ${res.status} ${contentType}`, media.schema);
    if (validate(res.body)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => `${what}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  }

  /** Validates a value against a component schema by name (e.g. to check the error shape by hand). */
  validateComponent(name: string, value: unknown): string[] {
    const validate = this.validatorFor(`component ${name}`, { $ref: `#/components/schemas/${name}` });
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message}`);
  }

  private validatorFor(id: string, schema: JsonSchema): ValidateFunction {
    let v = this.validators.get(id);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema) as object);
      this.validators.set(id, v);
    }
    return v;
  }

  /** Every documented operation, as `METHOD /path`. */
  operations(): OperationKey[] {
    return Object.entries(this.doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => (HTTP_METHODS as readonly string[]).includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
  }
}

/** Thrown from a supertest call whose answer disagrees with the OpenAPI document. */
export class ContractViolation extends Error {
  constructor(problems: string[], res: Response) {
    super(`the answer disagrees with the OpenAPI document (/api/docs-json):\n  ${problems.join('\n  ')}\nbody: ${(res.text ?? '').slice(0, 500)}`);
    this.name = 'ContractViolation';
  }
}

/**
 * supertest's `request(server)`, with every call checked against `contract`
 * once the test's own expectations have run: an answer the document does not
 * describe fails the call like a failed `.expect()`.
 */
export function contractRequest(server: Parameters<typeof request>[0], contract: OpenApiContract): ReturnType<typeof request> {
  const agent = request(server);
  return new Proxy(agent, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !(HTTP_METHODS as readonly string[]).includes(prop) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test: Test = value.call(target, url, ...rest);
        const end = test.end.bind(test);
        // Added at end() so that the test's own expectations (e.g. `.expect(201)`) report first.
        test.end = (fn?: (err: any, res: Response) => void) => {
          test.expect((res: Response) => {
            const problems = contract.check(prop, url, res);
            if (problems.length) throw new ContractViolation(problems, res);
          });
          return end(fn);
        };
        return test;
      };
    },
  });
}
