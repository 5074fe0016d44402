// Every operation documents the given status codes with a JSON body that is the given schema ($ref).
import { deref, operations, resolveRef } from './oasTools.js';

// The last $ref of the chain that starts at node, or undefined when node is inline.
function finalRef(doc, node) {
  let ref;
  let current = node;
  for (let hops = 0; hops < 32 && current && typeof current === 'object' && '$ref' in current; hops += 1) {
    ref = current.$ref;
    current = resolveRef(doc, ref);
  }
  return ref;
}

export default function errorResponses(doc, options) {
  const codes = (options && options.codes) || ['400', '401', '403'];
  const schemaRef = (options && options.schema) || '#/components/schemas/Error';
  const results = [];
  for (const entry of operations(doc)) {
    const name = entry.op.operationId || `${entry.method.toUpperCase()} ${entry.apiPath}`;
    const responses = entry.op.responses || {};
    for (const code of codes) {
      const path = [...entry.jsonPath, 'responses'];
      if (!(code in responses)) {
        results.push({ message: `${name} does not document a ${code} response`, path });
        continue;
      }
      const response = deref(doc, responses[code]);
      const media = response && response.content && response.content['application/json'];
      const ref = media ? finalRef(doc, media.schema) : undefined;
      if (ref !== schemaRef) {
        results.push({
          message: `${name}: the ${code} response's application/json body must be ${schemaRef}`,
          path: [...path, code],
        });
      }
    }
  }
  return results;
}
