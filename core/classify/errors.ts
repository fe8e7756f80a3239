/** Thrown when a GraphQL request cannot be classified: bad syntax, too large, no operation. */
export class InvalidGraphqlError extends Error {
  override name = 'InvalidGraphqlError';
}
