// The stdio transport's fast path: the messages it accepts without zod are exactly messages the
// SDK's JSON-RPC schema accepts, unchanged; and with this SDK the validated messages reach the
// protocol's handlers directly (a version without those entry points would quietly be slower).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { GuardStdioTransport, commonMessage, routeValidatedMessages } from '../../guard-server/mcp/transport.ts';

const call = {
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params: { name: 'shopify_rest', arguments: { method: 'GET', path: '/x.json' } },
};

const ACCEPTED: unknown[] = [
  call,
  { jsonrpc: '2.0', id: 'a-1', method: 'tools/list' },
  { jsonrpc: '2.0', id: -3, method: 'ping', params: {} },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'x' } },
  { jsonrpc: '2.0', id: 1, result: { action: 'accept', content: { approve: true } } },
  { jsonrpc: '2.0', id: 1, result: {} },
];

const LEFT_TO_ZOD: unknown[] = [
  null,
  [],
  'x',
  { jsonrpc: '1.0', id: 1, method: 'ping' },
  { id: 1, method: 'ping' },
  { jsonrpc: '2.0', id: 1.5, method: 'ping' },
  { jsonrpc: '2.0', id: null, method: 'ping' },
  { jsonrpc: '2.0', id: {}, method: 'ping' },
  { jsonrpc: '2.0', id: 1, method: 7 },
  { jsonrpc: '2.0', id: 1, method: 'ping', params: [] },
  { jsonrpc: '2.0', id: 1, method: 'ping', params: null },
  { jsonrpc: '2.0', id: 1, method: 'ping', extra: true },
  { jsonrpc: '2.0', method: 'n', params: 'x' },
  { jsonrpc: '2.0', method: 'n', result: {} },
  { jsonrpc: '2.0', id: 1, method: 'ping', result: {} },
  { jsonrpc: '2.0', id: 1, result: [] },
  { jsonrpc: '2.0', id: 1, result: null },
  { jsonrpc: '2.0', result: {} },
  { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } },
  JSON.parse('{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{}}'),
  // Valid, but through zod: typed _meta, error responses.
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 3 } } },
  { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } },
];

describe('GuardStdioTransport', () => {
  it('accepts by hand only what the SDK schema accepts, unchanged', () => {
    for (const m of ACCEPTED) {
      assert.equal(commonMessage(m), m, JSON.stringify(m));
      const parsed = JSONRPCMessageSchema.safeParse(m);
      assert.ok(parsed.success, JSON.stringify(m));
      assert.deepEqual(parsed.data, m);
    }
    for (const m of LEFT_TO_ZOD) assert.equal(commonMessage(m), null, JSON.stringify(m));
  });

  it('routes validated messages straight to the SDK protocol, answering as before', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const transport = new GuardStdioTransport(stdin, stdout);
    const server = new McpServer({ name: 't', version: '1' });
    server.registerTool('echo', { description: 'echo' }, async () => ({ content: [{ type: 'text', text: 'hi' }] }));
    await server.connect(transport);
    assert.equal(routeValidatedMessages(transport, server.server), true, 'this SDK has the entry points');
    const out: unknown[] = [];
    stdout.on('data', (d: Buffer) =>
      out.push(
        ...d
          .toString()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown),
      ),
    );
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '0' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: {}, _meta: { progressToken: 9 } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: {} } },
      { jsonrpc: '2.0', id: 4, method: 'no/such' },
    ];
    for (const l of lines) stdin.write(JSON.stringify(l) + '\n');
    for (let i = 0; i < 100 && out.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    const byId = new Map(out.map((m) => [(m as { id: number }).id, m as Record<string, unknown>]));
    assert.ok(byId.get(1)?.result, 'initialized');
    assert.deepEqual(byId.get(2)?.result, { content: [{ type: 'text', text: 'hi' }] }, 'through zod (_meta)');
    assert.deepEqual(byId.get(3)?.result, { content: [{ type: 'text', text: 'hi' }] }, 'fast path');
    assert.equal((byId.get(4)?.error as { code: number }).code, -32601);
    await server.close();
  });

  it('keeps the SDK dispatcher when the protocol has no entry points', () => {
    const transport = new GuardStdioTransport(new PassThrough(), new PassThrough());
    const before = () => {};
    transport.onmessage = before;
    assert.equal(routeValidatedMessages(transport, {}), false);
    assert.equal(transport.onmessage, before);
  });
});
