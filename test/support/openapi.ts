/** Reading an OpenAPI 3.0 document in tests: resolving refs, checking a schema is typed, validating a body. */

export type Schema = Record<string, any>;
export type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, unknown> } };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface Operation {
  method: string;
  path: string;
  op: Record<string, any>;
  /** `GET /api/v1/units/{id}` */
  key: string;
}

export function operations(doc: Doc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push({ method: method.toUpperCase(), path, op: item[method], key: `${method.toUpperCase()} ${path}` });
    }
  }
  return out;
}

export function resolve(doc: Doc, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) {
    const name = String(s.$ref).replace('#/components/schemas/', '');
    s = doc.components.schemas[name];
  }
  return s;
}

/**
 * Why `schema` would leave a generated client guessing (empty when it is fully typed): a
 * dangling $ref, an object with no properties (and no additionalProperties), an untyped array.
 */
export function untyped(doc: Doc, schema: Schema | undefined, at = 'schema', seen = new Set<string>()): string[] {
  if (!schema) return [`${at}: missing`];
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    if (!doc.components.schemas[name]) return [`${at}: dangling ${schema.$ref}`];
    if (seen.has(name)) return [];
    seen.add(name);
    return untyped(doc, doc.components.schemas[name], name, seen);
  }
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (Array.isArray(schema[k])) return schema[k].flatMap((s: Schema, i: number) => untyped(doc, s, `${at}.${k}[${i}]`, seen));
  }
  if (schema.type === 'array') return untyped(doc, schema.items, `${at}[]`, seen);
  if (schema.type === 'object' || schema.properties) {
    const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
    if (props.length === 0 && !schema.additionalProperties) return [`${at}: object without properties`];
    const problems = props.flatMap(([k, s]) => untyped(doc, s, `${at}.${k}`, seen));
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') problems.push(...untyped(doc, schema.additionalProperties, `${at}{}`, seen));
    return problems;
  }
  if (['string', 'integer', 'number', 'boolean'].includes(schema.type)) return [];
  if (schema.enum) return [];
  return [`${at}: no type`];
}

/**
 * Where `value` departs from `schema`: an undocumented property, a missing required one, a
 * wrong primitive type, a null where the schema is not nullable, an enum value not listed.
 */
export function mismatches(doc: Doc, schema: Schema | undefined, value: unknown, at = '$'): string[] {
  if (value === null && schema?.nullable) return [];
  const s = resolve(doc, schema);
  if (!s) return [`${at}: no schema`];
  if (s.oneOf || s.anyOf) {
    const options: Schema[] = s.oneOf ?? s.anyOf;
    const results = options.map((o) => mismatches(doc, o, value, at));
    return results.some((r) => r.length === 0) ? [] : [`${at}: matches none of ${options.length} alternatives (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (s.allOf) return s.allOf.flatMap((o: Schema) => mismatches(doc, o, value, at));
  if (value === null) return s.nullable ? [] : [`${at}: null but not nullable`];
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum ${JSON.stringify(s.enum)}`];
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: expected string, got ${typeof value}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected boolean, got ${typeof value}`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected number, got ${typeof value}`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => mismatches(doc, s.items, v, `${at}[${i}]`)) : [`${at}: expected array`];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const out: string[] = [];
      for (const k of (s.required ?? []) as string[]) if (!(k in (value as object))) out.push(`${at}.${k}: required but absent`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (props[k]) out.push(...mismatches(doc, props[k], v, `${at}.${k}`));
        else if (!s.additionalProperties) out.push(`${at}.${k}: not documented`);
        else if (typeof s.additionalProperties === 'object') out.push(...mismatches(doc, s.additionalProperties, v, `${at}.${k}`));
      }
      return out;
    }
    default:
      return [];
  }
}

/** The JSON schema of an operation's first 2xx response (undefined for 204 / no content). */
export function successSchema(op: Record<string, any>): { status: number; schema: Schema | undefined } | undefined {
  const status = Object.keys(op.responses ?? {}).map(Number).filter((s) => s >= 200 && s < 300).sort()[0];
  if (!status) return undefined;
  const content = (op.responses[status]?.content ?? {}) as Record<string, { schema?: Schema }>;
  return { status, schema: content['application/json']?.schema ?? Object.values(content)[0]?.schema };
}
