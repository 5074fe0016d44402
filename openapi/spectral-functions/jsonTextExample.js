// A parameter that carries JSON text (x-iotda-json-schema) has examples that parse and satisfy that schema.
import { schema as validate } from '@stoplight/spectral-functions';
import { deref, flatten, operations, parameters, resolveRef } from './oasTools.js';

const EXTENSION = 'x-iotda-json-schema';

// A JSON schema with every local $ref replaced by its target and allOf merged (no cycles expected).
function inline(doc, node, depth = 0) {
  if (depth > 32 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => inline(doc, item, depth + 1));
  const flat = flatten(doc, node);
  const result = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    result[key] = inline(doc, value, depth + 1);
  }
  return result;
}

function examplesOf(param) {
  const found = [];
  const schema = param.schema || {};
  if (param.example !== undefined) found.push(['example', param.example]);
  for (const [name, ex] of Object.entries(param.examples || {})) {
    if (ex && ex.value !== undefined) found.push([`examples/${name}`, ex.value]);
  }
  if (schema.example !== undefined) found.push(['schema/example', schema.example]);
  if (schema.default !== undefined) found.push(['schema/default', schema.default]);
  return found;
}

export default function jsonTextExample(doc, _options, context) {
  const results = [];
  const seen = new Set();
  const candidates = [];
  for (const entry of operations(doc)) candidates.push(...parameters(doc, entry));
  for (const [name, node] of Object.entries((doc.components && doc.components.parameters) || {})) {
    candidates.push({ param: deref(doc, node), jsonPath: ['components', 'parameters', name] });
  }
  for (const { param, jsonPath } of candidates) {
    if (!param || typeof param !== 'object' || param[EXTENSION] === undefined || seen.has(param)) continue;
    seen.add(param);
    const target = param[EXTENSION];
    if (target && target.$ref && resolveRef(doc, target.$ref) === undefined) {
      results.push({ message: `${param.name}: ${EXTENSION} points nowhere`, path: [...jsonPath, EXTENSION] });
      continue;
    }
    const jsonSchema = inline(doc, target);
    const examples = examplesOf({ ...param, schema: flatten(doc, param.schema) || {} });
    if (examples.length === 0) {
      results.push({ message: `${param.name} carries JSON text but has no example`, path: jsonPath });
    }
    for (const [where, text] of examples) {
      let value;
      try {
        value = JSON.parse(text);
      } catch (err) {
        results.push({ message: `${param.name} ${where} is not JSON text: ${String(text)}`, path: jsonPath });
        continue;
      }
      const errors = validate(value, { schema: jsonSchema, allErrors: true, dialect: 'draft4' }, context) || [];
      for (const error of errors) {
        results.push({ message: `${param.name} ${where} does not satisfy ${EXTENSION}: ${error.message}`, path: jsonPath });
      }
    }
  }
  return results;
}
