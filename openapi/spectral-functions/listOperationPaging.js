// Every list operation (a GET named List... or answering an object with a top-level array) declares x-iotda-paging.
import { PAGING, operations, successSchema, flatten } from './oasTools.js';

function isList(doc, entry) {
  if (entry.method !== 'get') return false;
  if (typeof entry.op.operationId === 'string' && /^list/i.test(entry.op.operationId)) return true;
  const schema = successSchema(doc, entry);
  if (!schema) return false;
  if (schema.type === 'array') return true;
  return Object.values(schema.properties || {}).some((prop) => (flatten(doc, prop) || {}).type === 'array');
}

export default function listOperationPaging(doc) {
  return operations(doc)
    .filter((entry) => isList(doc, entry) && !entry.op[PAGING])
    .map((entry) => ({
      message: `${entry.op.operationId || entry.method.toUpperCase() + ' ' + entry.apiPath} lists records but ` +
        `declares no ${PAGING} extension`,
      path: entry.jsonPath,
    }));
}
