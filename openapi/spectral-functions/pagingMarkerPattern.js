// The marker parameter of a paged operation and the next-marker field of its answer share one pattern.
import { PAGING, flatten, operations, queryParameter, schemaAtPointer, successSchema } from './oasTools.js';

export default function pagingMarkerPattern(doc) {
  const results = [];
  for (const entry of operations(doc)) {
    const paging = entry.op[PAGING];
    if (!paging || typeof paging !== 'object') continue;
    const marker = queryParameter(doc, entry, paging.markerParameter);
    const field = schemaAtPointer(doc, successSchema(doc, entry), paging.nextMarkerPointer);
    if (!marker || !field) continue; // iotda-paging-extension-valid reports missing pieces
    const paramPattern = (flatten(doc, marker.param.schema) || {}).pattern;
    const fieldPattern = field.pattern;
    if (paramPattern === undefined || fieldPattern === undefined) {
      results.push({
        message: `${entry.op.operationId}: the marker parameter "${paging.markerParameter}" and the field at ` +
          `${paging.nextMarkerPointer} must both declare a pattern`,
        path: [...entry.jsonPath, PAGING],
      });
    } else if (paramPattern !== fieldPattern) {
      results.push({
        message: `${entry.op.operationId}: the marker parameter's pattern ${JSON.stringify(paramPattern)} differs ` +
          `from the pattern ${JSON.stringify(fieldPattern)} of ${paging.nextMarkerPointer}`,
        path: [...entry.jsonPath, PAGING],
      });
    }
  }
  return results;
}
