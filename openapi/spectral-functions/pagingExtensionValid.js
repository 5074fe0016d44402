// The x-iotda-paging extension names existing query parameters and pointers that resolve in the answer.
import { PAGING, operations, queryParameter, schemaAtPointer, successSchema } from './oasTools.js';

const REQUIRED = ['style', 'markerParameter', 'limitParameter', 'itemsPointer', 'nextMarkerPointer'];

export default function pagingExtensionValid(doc) {
  const results = [];
  for (const entry of operations(doc)) {
    const paging = entry.op[PAGING];
    if (paging === undefined) continue;
    const at = [...entry.jsonPath, PAGING];
    const name = entry.op.operationId || `${entry.method.toUpperCase()} ${entry.apiPath}`;
    const fail = (message, key) => results.push({ message: `${name}: ${message}`, path: key ? [...at, key] : at });
    if (!paging || typeof paging !== 'object') {
      fail(`${PAGING} must be an object`);
      continue;
    }
    for (const key of REQUIRED) if (paging[key] === undefined) fail(`${PAGING} lacks "${key}"`);
    if (paging.style !== undefined && paging.style !== 'marker') fail('style must be "marker"', 'style');
    if (paging.order !== undefined && !['ascending', 'descending'].includes(paging.order)) {
      fail('order must be "ascending" or "descending"', 'order');
    }
    for (const key of ['markerParameter', 'limitParameter', 'offsetParameter']) {
      if (paging[key] !== undefined && !queryParameter(doc, entry, paging[key])) {
        fail(`${key} "${paging[key]}" is not a query parameter of the operation`, key);
      }
    }
    const body = successSchema(doc, entry);
    const expect = { itemsPointer: ['array'], nextMarkerPointer: ['string'], countPointer: ['integer', 'number'] };
    for (const [key, types] of Object.entries(expect)) {
      if (paging[key] === undefined) continue;
      const schema = body ? schemaAtPointer(doc, body, paging[key]) : undefined;
      if (!schema) fail(`${key} "${paging[key]}" does not point into the 2xx JSON answer`, key);
      else if (!types.includes(schema.type)) fail(`${key} "${paging[key]}" points to a ${schema.type}, not ${types.join('/')}`, key);
    }
  }
  return results;
}
