// What an operation does (read / write / delete) before any rule overrides it. Drives the
// sequence alerts (runs of deletes, writes without a read), so it must not depend on rules
// being complete.
import type { Action, GraphqlOperation } from '../types.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** productDelete, metafieldsDelete, productVariantsBulkDelete, deleteUser, tagsRemove … */
const DELETE_FIELD = /Delete|^delete|Remove$|^remove/;

const RANK: Record<Action, number> = { read: 0, write: 1, delete: 2 };

export function strongerAction(a: Action, b: Action): Action {
  return RANK[b] > RANK[a] ? b : a;
}

export function actionForMethod(method: string): Action {
  if (READ_METHODS.has(method)) return 'read';
  return method === 'DELETE' ? 'delete' : 'write';
}

export function actionForGraphqlField(type: GraphqlOperation['type'], field: string): Action {
  if (type !== 'mutation') return 'read';
  return DELETE_FIELD.test(field) ? 'delete' : 'write';
}
