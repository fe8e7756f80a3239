// Classification: platform, target, endpoint pattern and GraphQL operations of a request.
export { InvalidGraphqlError } from './errors.ts';
export { detectPlatform } from './platform.ts';
export { normalizeEndpoint } from './endpoint.ts';
export { parseGraphql, describeOperations, MAX_QUERY_BYTES } from './graphql.ts';
export { classify } from './classify.ts';
export type { ClassifyHints } from './classify.ts';
export { assessOperation, worse } from './assess.ts';
export type { Assessment, AssessHints, RiskAssessor } from './assess.ts';
export { effectiveMethod, METHOD_OVERRIDE_HEADERS } from './effective.ts';
