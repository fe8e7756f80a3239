// What the rule conditions look at in one request; parameters are collected only if a
// candidate rule asks for them.
import type { OperationInput } from '../types.ts';
import { RequestParams } from './params.ts';

export class RequestView {
  readonly method: string;
  readonly tool: string;
  private collected: RequestParams | undefined;

  constructor(
    private readonly op: OperationInput,
    readonly endpoint: string,
    /** A parsed GraphQL request: its document's inline arguments count as parameters. */
    private readonly graphql = false,
  ) {
    this.method = op.method.toUpperCase();
    this.tool = op.tool;
  }

  params(): RequestParams {
    return (this.collected ??= new RequestParams(this.op.url, this.op.body, this.graphql));
  }
}
