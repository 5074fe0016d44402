// Helpers shared by the project's Spectral functions: local $ref resolution, allOf merging, operation walks.

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
export const PAGING = 'x-iotda-paging';

// The node a local JSON reference ("#/a/b") points to, or undefined.
export function resolveRef(doc, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

// Follow a chain of $ref until a node without one (at most 32 hops).
export function deref(doc, node) {
  let current = node;
  for (let hops = 0; hops < 32 && current && typeof current === 'object' && '$ref' in current; hops += 1) {
    current = resolveRef(doc, current.$ref);
  }
  return current;
}

// A schema with its $ref followed and its allOf parts merged into one object (shallow, like spec.py).
export function flatten(doc, node) {
  const schema = deref(doc, node);
  if (!schema || typeof schema !== 'object') return schema;
  let result = {};
  for (const part of schema.allOf || []) result = { ...result, ...flatten(doc, part) };
  for (const [key, value] of Object.entries(schema)) {
    if (key !== 'allOf') result[key] = value;
  }
  return result;
}

// Every operation of the document: { op, pathItem, apiPath, method, jsonPath }.
export function operations(doc) {
  const found = [];
  for (const [apiPath, item] of Object.entries((doc && doc.paths) || {})) {
    const pathItem = deref(doc, item);
    if (!pathItem || typeof pathItem !== 'object') continue;
    for (const method of METHODS) {
      if (pathItem[method] && typeof pathItem[method] === 'object') {
        found.push({ op: pathItem[method], pathItem, apiPath, method, jsonPath: ['paths', apiPath, method] });
      }
    }
  }
  return found;
}

// The parameters of an operation (path-level ones overridden by operation-level ones), dereferenced.
export function parameters(doc, entry) {
  const byKey = new Map();
  const add = (list, base) => {
    (list || []).forEach((node, index) => {
      const param = deref(doc, node);
      if (param && typeof param === 'object' && param.name && param.in) {
        byKey.set(`${param.in}:${param.name}`, { param, jsonPath: [...base, 'parameters', index] });
      }
    });
  };
  add(entry.pathItem.parameters, ['paths', entry.apiPath]);
  add(entry.op.parameters, entry.jsonPath);
  return [...byKey.values()];
}

// The query parameter called `name` of an operation, or undefined.
export function queryParameter(doc, entry, name) {
  return parameters(doc, entry).find((p) => p.param.in === 'query' && p.param.name === name);
}

// The JSON schema of the first 2xx response of an operation, flattened.
export function successSchema(doc, entry) {
  const responses = entry.op.responses || {};
  const code = Object.keys(responses).find((c) => /^2\d\d$/.test(c));
  if (!code) return undefined;
  const response = deref(doc, responses[code]);
  const media = response && response.content && response.content['application/json'];
  return media && media.schema ? flatten(doc, media.schema) : undefined;
}

// The (flattened) schema that describes the value at an RFC 6901 pointer of a body described by `schema`.
export function schemaAtPointer(doc, schema, pointer) {
  let node = flatten(doc, schema);
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) return undefined;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    if (node.type === 'array' && /^\d+$/.test(part)) node = flatten(doc, node.items);
    else if (node.properties && part in node.properties) node = flatten(doc, node.properties[part]);
    else return undefined;
  }
  return node;
}
