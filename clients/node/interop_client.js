#!/usr/bin/env node
// The official gRPC interop client cases (doc/interop-test-descriptions.md) on @grpc/grpc-js.
//
// Usage: node interop_client.js --server_host=127.0.0.1 --server_port=N --test_case=NAME|all
// (flags also accepted as "--flag value"). Exit code 0 when every case passes; otherwise 1 and
// one "FAIL case: reason" line per failure. Protos come from Debian's grpc-proto package
// (GRPC_PROTO_ROOT, default /usr/share/grpc-proto), loaded at run time.
//
// grpc-js does not expose the compressed flag of received messages (it strips grpc-encoding
// too), so server_compressed_* assert payload sizes and success; the flag itself is asserted by
// the C# raw HTTP/2 tests. Client compression is per channel ('grpc.default_compression_algorithm'),
// and per message off with write flag NoCompress (2).
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = process.env.GRPC_PROTO_ROOT || '/usr/share/grpc-proto';
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);
const SPECIAL_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \u{1F608}\t\n';
const REQUEST_SIZES = [27182, 8, 1828, 45904];
const RESPONSE_SIZES = [31415, 9, 2653, 58979];
const CALL_TIMEOUT_MS = 30000;
const GZIP = 2; // grpc.compressionAlgorithms.gzip
const WRITE_NO_COMPRESS = 2;

class InteropFailure extends Error {}

function expect(condition, message) {
  if (!condition) {
    throw new InteropFailure(message);
  }
}

function zeros(size) {
  return { body: Buffer.alloc(size) };
}

function expectPayload(payload, size, what) {
  expect(payload && payload.body, `${what}: no payload`);
  expect(payload.body.length === size, `${what}: payload is ${payload.body.length} bytes, expected ${size}`);
  expect(payload.body.every((b) => b === 0), `${what}: payload is not all zeros`);
}

function expectStatus(error, code, what) {
  expect(error, `${what}: expected status ${grpc.status[code]}, but the call succeeded`);
  expect(error.code === code, `${what}: status ${grpc.status[error.code]} (${JSON.stringify(error.details)}), expected ${grpc.status[code]}`);
}

function deadline(ms = CALL_TIMEOUT_MS) {
  return new Date(Date.now() + ms);
}

function largeRequest(extra = {}) {
  return { response_size: 314159, payload: zeros(271828), ...extra };
}

// Unary call as a promise of { error, response, headers, status }.
function unary(client, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve) => {
    const result = {};
    const call = client[method](request, metadata, { deadline: deadline(), ...options }, (error, response) => {
      result.error = error;
      result.response = response;
    });
    call.on('metadata', (headers) => { result.headers = headers; });
    call.on('status', (status) => {
      result.status = status;
      // The callback runs before 'status' in grpc-js; yield once to be sure.
      setImmediate(() => resolve(result));
    });
  });
}

// Collects a response stream: { responses, error, headers, status }.
function collect(call) {
  return new Promise((resolve) => {
    const result = { responses: [] };
    call.on('metadata', (headers) => { result.headers = headers; });
    call.on('data', (response) => result.responses.push(response));
    call.on('error', (error) => { result.error = error; });
    call.on('status', (status) => {
      result.status = status;
      setImmediate(() => resolve(result));
    });
  });
}

// The next message of a duplex call, or the error that ended it.
function nextMessage(call) {
  return new Promise((resolve, reject) => {
    const onData = (m) => { cleanup(); resolve(m); };
    const onError = (e) => { cleanup(); reject(e); };
    const onEnd = () => { cleanup(); reject(new InteropFailure('the stream ended without a message')); };
    function cleanup() {
      call.removeListener('data', onData);
      call.removeListener('error', onError);
      call.removeListener('end', onEnd);
    }
    call.on('data', onData);
    call.on('error', onError);
    call.on('end', onEnd);
  });
}

const cases = {
  async empty_unary({ client }) {
    const r = await unary(client, 'EmptyCall', {});
    expect(!r.error, `EmptyCall failed: ${r.error && r.error.message}`);
    expect(r.response && Object.keys(r.response).length === 0, 'EmptyCall response is not empty');
  },

  async large_unary({ client }) {
    const r = await unary(client, 'UnaryCall', largeRequest());
    expect(!r.error, `UnaryCall failed: ${r.error && r.error.message}`);
    expectPayload(r.response.payload, 314159, 'UnaryCall');
  },

  async client_compressed_unary({ client, gzipClient }) {
    const probe = await unary(client, 'UnaryCall', largeRequest({ expect_compressed: { value: true } }));
    expectStatus(probe.error, grpc.status.INVALID_ARGUMENT, 'probe');
    for (const [c, compressed] of [[gzipClient, true], [client, false]]) {
      const r = await unary(c, 'UnaryCall', largeRequest({ expect_compressed: { value: compressed } }));
      expect(!r.error, `UnaryCall compressed=${compressed} failed: ${r.error && r.error.message}`);
      expectPayload(r.response.payload, 314159, `UnaryCall compressed=${compressed}`);
    }
  },

  async server_compressed_unary({ client }) {
    for (const compressed of [true, false]) {
      const r = await unary(client, 'UnaryCall', largeRequest({ response_compressed: { value: compressed } }));
      expect(!r.error, `UnaryCall response_compressed=${compressed} failed: ${r.error && r.error.message}`);
      expectPayload(r.response.payload, 314159, `UnaryCall response_compressed=${compressed}`);
    }
  },

  async client_streaming({ client }) {
    const r = await new Promise((resolve) => {
      const call = client.StreamingInputCall({ deadline: deadline() }, (error, response) => resolve({ error, response }));
      for (const n of REQUEST_SIZES) {
        call.write({ payload: zeros(n) });
      }
      call.end();
    });
    expect(!r.error, `StreamingInputCall failed: ${r.error && r.error.message}`);
    expect(r.response.aggregated_payload_size === 74922, `aggregated_payload_size ${r.response.aggregated_payload_size}, expected 74922`);
  },

  async client_compressed_streaming({ client, gzipClient }) {
    const probe = await new Promise((resolve) => {
      const call = client.StreamingInputCall({ deadline: deadline() }, (error, response) => resolve({ error, response }));
      call.write({ payload: zeros(27182), expect_compressed: { value: true } });
      call.end();
    });
    expectStatus(probe.error, grpc.status.INVALID_ARGUMENT, 'probe');
    const r = await new Promise((resolve) => {
      const call = gzipClient.StreamingInputCall({ deadline: deadline() }, (error, response) => resolve({ error, response }));
      call.write({ payload: zeros(27182), expect_compressed: { value: true } });
      call.write({ payload: zeros(45904), expect_compressed: { value: false } }, WRITE_NO_COMPRESS);
      call.end();
    });
    expect(!r.error, `StreamingInputCall failed: ${r.error && r.error.message}`);
    expect(r.response.aggregated_payload_size === 73086, `aggregated_payload_size ${r.response.aggregated_payload_size}, expected 73086`);
  },

  async server_streaming({ client }) {
    const call = client.StreamingOutputCall(
      { response_parameters: RESPONSE_SIZES.map((size) => ({ size })) }, { deadline: deadline() });
    const r = await collect(call);
    expect(!r.error, `StreamingOutputCall failed: ${r.error && r.error.message}`);
    expect(r.responses.length === 4, `${r.responses.length} responses, expected 4`);
    r.responses.forEach((m, i) => expectPayload(m.payload, RESPONSE_SIZES[i], `response ${i}`));
  },

  async server_compressed_streaming({ client }) {
    const call = client.StreamingOutputCall({
      response_parameters: [
        { compressed: { value: true }, size: 31415 },
        { compressed: { value: false }, size: 92653 },
      ],
    }, { deadline: deadline() });
    const r = await collect(call);
    expect(!r.error, `StreamingOutputCall failed: ${r.error && r.error.message}`);
    expect(r.responses.length === 2, `${r.responses.length} responses, expected 2`);
    expectPayload(r.responses[0].payload, 31415, 'response 0');
    expectPayload(r.responses[1].payload, 92653, 'response 1');
  },

  async ping_pong({ client }) {
    const call = client.FullDuplexCall({ deadline: deadline() });
    call.on('error', () => {}); // reported by endOf below
    for (let i = 0; i < REQUEST_SIZES.length; i++) {
      call.write({ response_parameters: [{ size: RESPONSE_SIZES[i] }], payload: zeros(REQUEST_SIZES[i]) });
      const m = await nextMessage(call);
      expectPayload(m.payload, RESPONSE_SIZES[i], `response ${i}`);
    }
    const done = endOf(call);
    call.end();
    const r = await done;
    expect(!r.error, `FullDuplexCall failed: ${r.error && r.error.message}`);
    expect(r.extra === 0, `${r.extra} responses after the fourth`);
    expect(r.status.code === grpc.status.OK, `status ${grpc.status[r.status.code]} ${r.status.details}`);
  },

  async empty_stream({ client }) {
    const call = client.FullDuplexCall({ deadline: deadline() });
    const done = collect(call);
    call.end();
    const r = await done;
    expect(!r.error, `FullDuplexCall failed: ${r.error && r.error.message}`);
    expect(r.responses.length === 0, `${r.responses.length} responses, expected 0`);
  },

  async custom_metadata({ client }) {
    const metadata = () => {
      const m = new grpc.Metadata();
      m.add(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
      m.add(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
      return m;
    };
    const u = await unary(client, 'UnaryCall', largeRequest(), metadata());
    expect(!u.error, `UnaryCall failed: ${u.error && u.error.message}`);
    expectPayload(u.response.payload, 314159, 'UnaryCall');
    expectEcho(u.headers, u.status.metadata, 'UnaryCall');

    const call = client.FullDuplexCall(metadata(), { deadline: deadline() });
    const done = collect(call);
    call.write({ response_parameters: [{ size: 314159 }], payload: zeros(271828) });
    call.end();
    const d = await done;
    expect(!d.error, `FullDuplexCall failed: ${d.error && d.error.message}`);
    expect(d.responses.length === 1, `FullDuplexCall: ${d.responses.length} responses, expected 1`);
    expectPayload(d.responses[0].payload, 314159, 'FullDuplexCall');
    expectEcho(d.headers, d.status.metadata, 'FullDuplexCall');
  },

  async status_code_and_message(ctx) {
    await statusEcho(ctx.client, 2, 'test status message');
  },

  async special_status_message(ctx) {
    await statusEcho(ctx.client, 2, SPECIAL_MESSAGE);
  },

  async unimplemented_method({ client }) {
    const r = await unary(client, 'UnimplementedCall', {});
    expectStatus(r.error, grpc.status.UNIMPLEMENTED, 'UnimplementedCall');
  },

  async unimplemented_service({ unimplementedClient }) {
    const r = await unary(unimplementedClient, 'UnimplementedCall', {});
    expectStatus(r.error, grpc.status.UNIMPLEMENTED, 'UnimplementedService.UnimplementedCall');
  },

  async timeout_on_sleeping_server({ client }) {
    const call = client.FullDuplexCall({ deadline: deadline(1) });
    const done = collect(call);
    call.write({ payload: zeros(27182) });
    const r = await done;
    expectStatus(r.error, grpc.status.DEADLINE_EXCEEDED, 'FullDuplexCall');
  },

  async cancel_after_begin({ client }) {
    const r = await new Promise((resolve) => {
      const call = client.StreamingInputCall({ deadline: deadline() }, (error, response) => resolve({ error, response }));
      call.cancel();
    });
    expectStatus(r.error, grpc.status.CANCELLED, 'StreamingInputCall');
  },

  async cancel_after_first_response({ client }) {
    const call = client.FullDuplexCall({ deadline: deadline() });
    const done = collect(call);
    call.write({ response_parameters: [{ size: 31415 }], payload: zeros(27182) });
    const m = await nextMessage(call);
    expectPayload(m.payload, 31415, 'first response');
    call.cancel();
    const r = await done;
    expectStatus(r.error, grpc.status.CANCELLED, 'FullDuplexCall');
  },
};

// Waits for the end of a duplex call, counting the messages that still arrive.
function endOf(call) {
  return new Promise((resolve) => {
    const result = { extra: 0 };
    call.on('data', () => { result.extra += 1; });
    call.on('error', (error) => { result.error = error; });
    call.on('status', (status) => {
      result.status = status;
      setImmediate(() => resolve(result));
    });
  });
}

function expectEcho(headers, trailers, what) {
  expect(headers, `${what}: no response headers`);
  const initial = headers.get(ECHO_INITIAL_KEY);
  expect(initial.length === 1 && initial[0] === ECHO_INITIAL_VALUE,
    `${what}: initial metadata ${ECHO_INITIAL_KEY}=${JSON.stringify(initial)}`);
  const trailing = trailers ? trailers.get(ECHO_TRAILING_KEY) : [];
  expect(trailing.length === 1 && Buffer.isBuffer(trailing[0]) && trailing[0].equals(ECHO_TRAILING_VALUE),
    `${what}: trailing metadata ${ECHO_TRAILING_KEY}=${JSON.stringify(trailing.map((v) => v.toString('hex')))}`);
}

async function statusEcho(client, code, message) {
  const responseStatus = { code, message };
  const u = await unary(client, 'UnaryCall', { response_status: responseStatus });
  expect(u.error, 'UnaryCall succeeded, expected an error status');
  expect(u.error.code === code, `UnaryCall: status ${u.error.code}, expected ${code}`);
  expect(u.error.details === message, `UnaryCall: message ${JSON.stringify(u.error.details)}, expected ${JSON.stringify(message)}`);

  const call = client.FullDuplexCall({ deadline: deadline() });
  const done = collect(call);
  call.write({ response_status: responseStatus });
  call.end();
  const d = await done;
  expect(d.error, 'FullDuplexCall succeeded, expected an error status');
  expect(d.error.code === code, `FullDuplexCall: status ${d.error.code}, expected ${code}`);
  expect(d.error.details === message, `FullDuplexCall: message ${JSON.stringify(d.error.details)}, expected ${JSON.stringify(message)}`);
}

function parseArgs(argv) {
  const args = { server_host: '127.0.0.1', server_port: undefined, test_case: 'all', use_tls: 'false' };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z_]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      throw new InteropFailure(`unexpected argument ${argv[i]}`);
    }
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (value === undefined) {
      throw new InteropFailure(`--${m[1]} needs a value`);
    }
    args[m[1]] = value;
  }
  if (!args.server_port) {
    throw new InteropFailure('--server_port is required');
  }
  if (!['false', '0', 'no'].includes(String(args.use_tls).toLowerCase())) {
    throw new InteropFailure('TLS is not supported by this client');
  }
  return args;
}

function loadServices() {
  const definition = protoLoader.loadSync(path.join(PROTO_ROOT, 'grpc/testing/test.proto'), {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_ROOT],
  });
  return grpc.loadPackageDefinition(definition).grpc.testing;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  const names = args.test_case === 'all' ? Object.keys(cases) : args.test_case.split(',');
  const unknown = names.filter((n) => !cases[n]);
  if (unknown.length) {
    console.error(`unknown test case(s): ${unknown.join(', ')}; known: ${Object.keys(cases).join(', ')}`);
    return 2;
  }
  const testing = loadServices();
  const address = `${args.server_host}:${args.server_port}`;
  const credentials = grpc.credentials.createInsecure();
  const opened = [];
  const ctx = {
    client: new testing.TestService(address, credentials),
    // grpc-js sets compression per channel, and a channel stops compressing once a server's
    // grpc-accept-encoding has a space after a comma (grpcio sends "identity, deflate, gzip";
    // grpc-js splits on "," without trimming): a fresh channel for each compressed call.
    get gzipClient() {
      const c = new testing.TestService(address, credentials, { 'grpc.default_compression_algorithm': GZIP });
      opened.push(c);
      return c;
    },
    unimplementedClient: new testing.UnimplementedService(address, credentials),
  };
  let failures = 0;
  for (const name of names) {
    try {
      await cases[name](ctx);
      console.log(`PASS ${name}`);
    } catch (e) {
      failures += 1;
      const detail = e instanceof InteropFailure ? e.message : `${e.code !== undefined ? grpc.status[e.code] + ' ' : ''}${e.message}`;
      console.log(`FAIL ${name}: ${detail}`);
    }
  }
  for (const c of [ctx.client, ctx.unimplementedClient, ...opened]) {
    c.close();
  }
  return failures ? 1 : 0;
}

// Exit explicitly: after cancel_after_begin follows other calls on the same connection, grpc-js
// keeps that connection's socket referenced even once every channel is closed (about 30 s).
// stdout/stderr are synchronous for files and pipes on Linux, so no output is lost.
main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
