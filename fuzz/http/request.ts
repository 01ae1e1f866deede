/**
 * Turns a WireCase into the bytes and headers actually sent, signing it as the case says. The same
 * request goes in-process (an ApiRequest for RequestPipeline.handle) or over a socket (raw HTTP/1.1
 * text), so both transports see identical requests. Signing uses the campaign's manual clock, so a
 * signed case is the same request on every run.
 */
import { amzDate, signRequest, type SigningCredentials } from '../../engine/api/sigv4.js';
import { bodyBytes, OPEN_AUTHORIZATION, type WireCase } from './cases.js';

export const REGION = 'us-east-1';
export const FUZZ_CREDENTIALS: SigningCredentials = { accessKeyId: 'AKIDFUZZ', secretAccessKey: 'fuzz-secret-key' };

export interface BuiltRequest {
  method: string;
  /** Header names as sent (case preserved; HTTP makes them case-insensitive). */
  headers: Record<string, string>;
  body: Buffer;
  /** Which server: the open one (no credentials) or the one verifying signatures. */
  endpoint: 'open' | 'auth';
}

export function buildRequest(c: WireCase, host: string, nowMs: number): BuiltRequest {
  const body = bodyBytes(c.body);
  const headers: Record<string, string> = { ...c.headers };
  if (c.sign === 'open') {
    // The open server checks the form and the date (±15 min of its clock), not the signature.
    headers['X-Amz-Date'] = amzDate(nowMs);
    headers['Authorization'] = OPEN_AUTHORIZATION;
    return { method: c.method, headers, body, endpoint: 'open' };
  }
  const toSign: Record<string, string> = { host };
  for (const [name, value] of Object.entries(headers)) toSign[name.toLowerCase()] = value;
  const sign = (credentials: SigningCredentials, epochMs: number, service?: string, signed = toSign): Record<string, string> =>
    signRequest({ method: c.method, url: '/', headers: signed, body }, credentials, REGION, epochMs, service);
  let added: Record<string, string> = {};
  let sent = body;
  switch (c.sign) {
    case 'valid':
      added = sign(FUZZ_CREDENTIALS, nowMs);
      break;
    case 'tamper-body':
      added = sign(FUZZ_CREDENTIALS, nowMs);
      sent = Buffer.concat([body, Buffer.from(' ')]);
      break;
    case 'wrong-secret':
      added = sign({ ...FUZZ_CREDENTIALS, secretAccessKey: 'not-the-secret' }, nowMs);
      break;
    case 'unknown-key':
      added = sign({ ...FUZZ_CREDENTIALS, accessKeyId: 'AKIDUNKNOWN' }, nowMs);
      break;
    case 'expired':
      added = sign(FUZZ_CREDENTIALS, nowMs - 60 * 60 * 1000);
      break;
    case 'wrong-service':
      added = sign(FUZZ_CREDENTIALS, nowMs, 's3');
      break;
    case 'no-host': {
      const { host: _host, ...withoutHost } = toSign;
      added = sign(FUZZ_CREDENTIALS, nowMs, undefined, withoutHost);
      break;
    }
    case 'garbage':
      added = { 'x-amz-date': amzDate(nowMs), authorization: 'AWS4-HMAC-SHA256 garbage' };
      break;
    case 'missing':
      added = { 'x-amz-date': amzDate(nowMs) };
      break;
  }
  // signRequest returns lower-case names; drop any same header the case already had.
  for (const name of Object.keys(added)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name) delete headers[existing];
    headers[name] = added[name]!;
  }
  return { method: c.method, headers, body: sent, endpoint: 'auth' };
}

/** Headers by lower-case name, as node:http hands them to the pipeline. */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}
