// A paging parameter (limit, offset) has a minimum, a maximum and a default that lies between them.
import { PAGING, flatten, operations, queryParameter } from './oasTools.js';

export default function pagingBounds(doc, options) {
  const role = (options && options.role) || 'limitParameter';
  const results = [];
  for (const entry of operations(doc)) {
    const paging = entry.op[PAGING];
    if (!paging || typeof paging !== 'object' || paging[role] === undefined) continue;
    const found = queryParameter(doc, entry, paging[role]);
    if (!found) continue; // iotda-paging-extension-valid reports it
    const schema = flatten(doc, found.param.schema) || {};
    const where = `${entry.op.operationId}: ${paging[role]}`;
    const path = found.jsonPath;
    const missing = ['minimum', 'maximum', 'default'].filter((key) => typeof schema[key] !== 'number');
    if (schema.type !== 'integer') results.push({ message: `${where} must be of type integer`, path });
    if (missing.length) {
      results.push({ message: `${where} lacks ${missing.join(', ')}`, path });
      continue;
    }
    if (!(schema.minimum <= schema.default && schema.default <= schema.maximum)) {
      results.push({
        message: `${where} default ${schema.default} is not between its minimum ${schema.minimum} and maximum ${schema.maximum}`,
        path,
      });
    }
    if (role === 'limitParameter' && schema.minimum < 1) {
      results.push({ message: `${where} minimum ${schema.minimum} allows an empty page size`, path });
    }
  }
  return results;
}
