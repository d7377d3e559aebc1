// fast-check arbitraries from JSON Schemas (the API's OpenAPI 3.1 document, zod's toJSONSchema
// of the webhook payload shapes): values that mostly follow the schema, so requests get past
// the first check, with hostile values mixed in at every level — characters PostgreSQL cannot
// store, dates out of range, integers past int4 and 2^53, wrong types, empty and long text.
import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema documents are navigated freely
type Schema = any;

export const HOSTILE: readonly unknown[] = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00',
  '',
  ' ',
  'x'.repeat(2000),
  '+275760-09-13T00:00:00.000Z',
  '-001000-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -1,
  0,
  1e308,
  0.5,
  true,
  null,
  [],
  {},
  [1, 2, 3],
  '../../etc/passwd',
  "'; DROP TABLE skus; --",
];

export const hostile = fc.constantFrom(...HOSTILE);

/** A string as a client might send, sometimes with an unstorable character somewhere. */
export const fuzzString = (max = 40) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ maxLength: max, unit: 'binary' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\uD800', '\uDFFF'), fc.string({ maxLength: 8 }))
        .map(([a, b, c]) => a + b + c),
    },
  );

const validDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

export function schemaArbitrary(schema: Schema, doc: Schema = {}, depth = 0): fc.Arbitrary<unknown> {
  const inner = conforming(schema, doc, depth);
  return fc.oneof({ weight: 8, arbitrary: inner }, { weight: 1, arbitrary: hostile });
}

function conforming(schema: Schema, doc: Schema, depth: number): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object' || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return conforming(resolve(schema.$ref, doc), doc, depth);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Schema) => conforming(s, doc, depth + 1)));
  if (schema.allOf) return conforming(Object.assign({}, ...schema.allOf), doc, depth);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.type)) {
    return fc.oneof(...schema.type.map((t: string) => conforming({ ...schema, type: t }, doc, depth)));
  }
  switch (schema.type) {
    case 'object': {
      const props: Record<string, Schema> = schema.properties ?? {};
      const record = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, schemaArbitrary(s, doc, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) });
    }
    case 'array':
      return fc.array(schemaArbitrary(schema.items ?? {}, doc, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'string':
      if (schema.format === 'date-time') return validDate;
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) }),
        fuzzString(),
      );
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000, -(2 ** 31)),
        max: Math.min(schema.maximum ?? 1_000, 2 ** 31 - 1),
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function resolve(ref: string, doc: Schema): Schema {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Schema, key: string) => node?.[key], doc);
}
