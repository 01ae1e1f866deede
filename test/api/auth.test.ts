/**
 * SigV4: the primitives against AWS's published example, then a server started with a credentials
 * file (as `--auth`), over raw HTTP: valid header and query-string signatures, and each rejection
 * DynamoDB gives (wrong secret, unknown key, expired, not yet current, unsigned host, bad date,
 * bad scope, bad algorithm, tampered body, session tokens), in its order and with its messages.
 */
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Authenticator, parseCredentials, type AuthRequest } from '../../engine/api/auth.js';
import type { ProtocolError } from '../../engine/api/protocol-error.js';
import {
  amzDate,
  canonicalRequest,
  credentialScope,
  parseQuery,
  sha256Hex,
  signatureOf,
  signingKey,
  signRequest,
  stringToSign,
} from '../../engine/api/sigv4.js';
import { ManualClock } from '../../engine/util/clock.js';
import { InvalidArgumentError } from '../../engine/util/errors.js';
import { rawRequest, serveDatabase, START_MS, type RawResponse, type Served } from './helpers.js';

describe('SigV4 primitives', () => {
  it('reproduce the AWS General Reference example (IAM ListUsers)', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query: parseQuery('Action=ListUsers&Version=2010-05-08'),
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        host: 'iam.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
      },
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      payloadHash: sha256Hex(''),
    });
    expect(sha256Hex(canonical)).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    const toSign = stringToSign('20150830T123600Z', credentialScope('20150830', 'us-east-1', 'iam'), canonical);
    expect(signatureOf(key, toSign)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('amzDate is ISO 8601 basic format', () => {
    expect(amzDate(Date.UTC(2013, 5, 9, 10, 7, 59))).toBe('20130609T100759Z');
  });
});

describe('parseCredentials', () => {
  it('accepts secrets and { secretAccessKey, sessionToken } entries', () => {
    const credentials = parseCredentials('{"AKID":"secret","ASIA":{"secretAccessKey":"s2","sessionToken":"tok"}}');
    expect(credentials.get('AKID')).toEqual({ secretAccessKey: 'secret' });
    expect(credentials.get('ASIA')).toEqual({ secretAccessKey: 's2', sessionToken: 'tok' });
  });

  it('refuses anything else with an explanation', () => {
    for (const text of ['', '[]', '{}', '{"AKID": 5}', '{"AKID": ""}', '{"AKID": {"secret": "x"}}', '{"AKID": {"secretAccessKey": "x", "sessionToken": 1}}']) {
      expect(() => parseCredentials(text)).toThrow(InvalidArgumentError);
    }
  });
});

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
let served: Served;
let clock: ManualClock;
let host: string;

beforeAll(async () => {
  clock = new ManualClock(START_MS);
  served = await serveDatabase({
    clock,
    credentials: parseCredentials(JSON.stringify({ AKIDEXAMPLE: SECRET, ASIATEMP: { secretAccessKey: 'temp-secret', sessionToken: 'the-token' } })),
  });
  host = new URL(served.server.url).host;
});

afterAll(async () => {
  await served.close();
});

interface SendOptions {
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  signedAtMs?: number;
  region?: string;
  body?: string | Buffer;
  sentBody?: string | Buffer;
  headers?: Record<string, string>;
  edit?(headers: Record<string, string>): void;
}

/** A ListTables request signed with the Authorization header, optionally edited after signing. */
function send(options: SendOptions = {}): Promise<RawResponse> {
  const body = options.body ?? '{}';
  const headers: Record<string, string> = {
    host,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.ListTables',
    ...options.headers,
  };
  const signed = signRequest(
    { method: 'POST', url: '/', headers, body },
    {
      accessKeyId: options.accessKeyId ?? 'AKIDEXAMPLE',
      secretAccessKey: options.secret ?? SECRET,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    options.region ?? 'us-east-1',
    options.signedAtMs ?? clock.now(),
  );
  const all = { ...headers, ...signed };
  options.edit?.(all);
  return rawRequest(served.server.url, { headers: all, body: options.sentBody ?? body });
}

function expectError(response: RawResponse, name: string, message: string | RegExp): void {
  expect(response.status).toBe(400);
  const body = response.json();
  expect(body['__type']).toBe(`com.amazon.coral.service#${name}`);
  if (typeof message === 'string') expect(body['message']).toBe(message);
  else expect(String(body['message'])).toMatch(message);
}

const MISMATCH = /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n/;

describe('with a credentials file', () => {
  it('accepts a correctly signed request', async () => {
    const response = await send();
    expect(response.status).toBe(200);
    expect(response.json()).toHaveProperty('TableNames');
  });

  it('accepts a signature over a gzip-compressed body (the bytes as sent)', async () => {
    const body = zlib.gzipSync('{}');
    const response = await send({ body, headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(200);
  });

  it('accepts requests signed up to 15 minutes either side of the server clock', async () => {
    expect((await send({ signedAtMs: clock.now() - 14 * 60_000 })).status).toBe(200);
    expect((await send({ signedAtMs: clock.now() + 14 * 60_000 })).status).toBe(200);
  });

  it('a wrong secret or a tampered body is InvalidSignatureException with the canonical request', async () => {
    expectError(await send({ secret: 'not the secret' }), 'InvalidSignatureException', MISMATCH);
    expectError(await send({ body: '{}', sentBody: '{"Limit":1}' }), 'InvalidSignatureException', MISMATCH);
    expectError(await send({ edit: (h) => void (h['x-amz-target'] = 'DynamoDB_20120810.DescribeLimits') }), 'InvalidSignatureException', MISMATCH);
  });

  it('an unknown access key is UnrecognizedClientException', async () => {
    expectError(await send({ accessKeyId: 'AKIDUNKNOWN' }), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('an expired or future signature is InvalidSignatureException with DynamoDB\'s texts', async () => {
    const now = clock.now();
    const old = now - 16 * 60_000;
    expectError(
      await send({ signedAtMs: old }),
      'InvalidSignatureException',
      `Signature expired: ${amzDate(old)} is now earlier than ${amzDate(now - 15 * 60_000)} (${amzDate(now)} - 15 min.)`,
    );
    const future = now + 16 * 60_000;
    expectError(
      await send({ signedAtMs: future }),
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate(future)} is still later than ${amzDate(now + 15 * 60_000)} (${amzDate(now)} + 15 min.)`,
    );
    // The same request becomes valid when the server's clock catches up.
    clock.advance(16 * 60_000);
    expect((await send({ signedAtMs: future })).status).toBe(200);
  });

  it('checks the date format, signed host, algorithm and credential scope', async () => {
    expectError(
      await send({ edit: (h) => void (h['x-amz-date'] = '2013') }),
      'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2013'. See http://en.wikipedia.org/wiki/ISO_8601",
    );
    expectError(
      await send({ edit: (h) => void (h['authorization'] = h['authorization']!.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type;x-amz-date')) }),
      'InvalidSignatureException',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
    expectError(
      await send({ edit: (h) => void (h['authorization'] = h['authorization']!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA25')) }),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ",
    );
    expectError(
      await send({ edit: (h) => void (h['authorization'] = h['authorization']!.replace(/Credential=[^,]+/, 'Credential=a/b/c/d')) }),
      'IncompleteSignatureException',
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'",
    );
    const date = amzDate(clock.now());
    expectError(
      await send({ edit: (h) => void (h['authorization'] = h['authorization']!.replace(/Credential=[^,]+/, 'Credential=AKIDEXAMPLE/b/c!/s3/e')) }),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'c!'. Credential should be scoped to correct service: 'dynamodb'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'e'. " +
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != '${date.slice(0, 8)}', from '${date}'.`,
    );
  });

  it('verifies session tokens', async () => {
    expect((await send({ accessKeyId: 'ASIATEMP', secret: 'temp-secret', sessionToken: 'the-token' })).status).toBe(200);
    expectError(await send({ accessKeyId: 'ASIATEMP', secret: 'temp-secret' }), 'UnrecognizedClientException', 'The security token included in the request is invalid');
    expectError(
      await send({ accessKeyId: 'ASIATEMP', secret: 'temp-secret', sessionToken: 'another-token' }),
      'UnrecognizedClientException',
      'The security token included in the request is invalid',
    );
    expectError(await send({ sessionToken: 'unexpected' }), 'UnrecognizedClientException', 'The security token included in the request is invalid');
  });

  it('accepts the query-string (presigned) form', async () => {
    const date = amzDate(clock.now());
    const scope = credentialScope(date.slice(0, 8), 'us-east-1', 'dynamodb');
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `AKIDEXAMPLE/${scope}`],
      ['X-Amz-Date', date],
      ['X-Amz-SignedHeaders', 'host;x-amz-target'],
    ];
    const headers = { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' };
    const canonical = canonicalRequest({ method: 'POST', path: '/', query: params, headers, signedHeaders: ['host', 'x-amz-target'], payloadHash: sha256Hex('{}') });
    const signature = signatureOf(signingKey(SECRET, date.slice(0, 8), 'us-east-1', 'dynamodb'), stringToSign(date, scope, canonical));
    const query = [...params, ['X-Amz-Signature', signature]].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
    const good = await rawRequest(served.server.url, { path: `/?${query}`, headers, body: '{}' });
    expect(good.status).toBe(200);
    const bad = await rawRequest(served.server.url, { path: `/?${query.replace(signature, '0'.repeat(64))}`, headers, body: '{}' });
    expectError(bad, 'InvalidSignatureException', /^The request signature we calculated does not match/);
  });
});

describe('the usual-form fast path (no credentials file)', () => {
  const outcome = (authenticator: Authenticator, request: AuthRequest): string => {
    try {
      authenticator.check(request);
      return 'ok';
    } catch (error) {
      return `${(error as ProtocolError).name}: ${(error as ProtocolError).message}`;
    }
  };

  it('answers exactly as the general parser for any Authorization header', () => {
    const authenticator = new Authenticator({ clock: new ManualClock(START_MS) });
    const name = fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'Credentials', ' Signature', 'signature');
    const value = fc.constantFrom('AKID/20260101/us-east-1/dynamodb/aws4_request', 'host;x-amz-date', 'abc', 'a=b', '', 'x y');
    const separator = fc.constantFrom(', ', ',', ' ', ',  ', ' ,', '\t');
    const header = fc
      .tuple(
        fc.constantFrom('', ' '),
        fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-X', 'AWS4-', 'AWS3-HMAC', 'AWS4-HMAC,SHA'),
        fc.constantFrom(' ', ', ', '  '),
        fc.array(fc.tuple(name, value, separator), { minLength: 0, maxLength: 4 }),
        fc.constantFrom('', ' ', ','),
      )
      .map(([prefix, algorithm, first, params, suffix]) => {
        const body = params.map(([n, v], i) => (i === 0 ? '' : params[i - 1]![2]) + `${n}=${v}`).join('');
        return `${prefix}${algorithm}${first}${body}${suffix}`;
      });
    const usual = fc.tuple(value, value, value).map(([c, h, v]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${v}`);
    fc.assert(
      fc.property(fc.oneof(header, usual), fc.option(fc.constantFrom('20260101T000000Z', ''), { nil: undefined }), (authorization, date) => {
        const headers: Record<string, string> = { authorization };
        if (date !== undefined) headers['x-amz-date'] = date;
        // "/?" has an empty query string: the general parser's path, with the same meaning as "/".
        expect(outcome(authenticator, { method: 'POST', url: '/', headers, body: new Uint8Array() })).toBe(
          outcome(authenticator, { method: 'POST', url: '/?', headers, body: new Uint8Array() }),
        );
      }),
      { numRuns: 3000 },
    );
    const sdk = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';
    expect(outcome(authenticator, { method: 'POST', url: '/', headers: { authorization: sdk, 'x-amz-date': '20260101T000000Z' }, body: new Uint8Array() })).toBe('ok');
  });
});
