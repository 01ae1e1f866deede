/**
 * The HTTP target's transport, in a generator worker: each operation becomes a DynamoDB JSON request
 * (requests.ts, JSON.stringify) sent through bench/http/client.ts's SignedClient — keep-alive raw
 * sockets, SigV4 on every request — and each response is classified:
 *
 *   200                                Ok, unless a batch answer has non-empty Unprocessed* (Throttle)
 *   4xx/5xx with a throttling __type   Throttle (executor.ts THROTTLE_NAMES)
 *   any other status                   Error, named by the answer's __type (or HTTP_<status>)
 *   0 (connection lost)                Error 'ConnectionError'
 *
 * ReadModifyWrite sends GetItem, then UpdateItem from the GetItem's completion (one slot throughout).
 * Concurrency: one client per worker; at most `connections` requests in flight (the capacity).
 */
import type { SigningCredentials } from '../../engine/api/sigv4.js';
import { SignedClient } from '../http/client.js';
import { THROTTLE_NAMES } from './executor.js';
import { Status, type CompletionSink, type Transport } from './generator.js';
import { OperationCode } from './workloads/catalog.js';
import type { RequestFactory } from './workloads/requests.js';

export interface HttpEndpoint {
  url: string;
  region: string;
  credentials: SigningCredentials;
  connections: number;
}

const TYPE_PATTERN = /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/;
const UNPROCESSED = /"Unprocessed(?:Items|Keys)"\s*:\s*\{\s*"/;
const OK = 200;

/** What a DynamoDB HTTP answer means for the benchmark. */
export function classifyResponse(status: number, body: Buffer | string, batch: boolean): { status: Status; name: string | undefined } {
  if (status === OK) {
    if (batch && UNPROCESSED.test(body.toString())) return { status: Status.Throttle, name: 'Unprocessed' };
    return { status: Status.Ok, name: undefined };
  }
  if (status === 0) return { status: Status.Error, name: 'ConnectionError' };
  const type = TYPE_PATTERN.exec(body.toString())?.[1];
  const name = type ?? `HTTP_${status}`;
  return { status: THROTTLE_NAMES.has(name) ? Status.Throttle : Status.Error, name };
}

export class HttpTransport implements Transport {
  readonly capacity: number;
  #sink: CompletionSink | undefined;

  private constructor(
    readonly client: SignedClient,
    readonly requests: RequestFactory,
  ) {
    this.capacity = client.capacity;
  }

  static async connect(endpoint: HttpEndpoint, requests: RequestFactory): Promise<HttpTransport> {
    const client = await SignedClient.connect({ url: endpoint.url, credentials: endpoint.credentials, region: endpoint.region, connections: endpoint.connections, transport: 'raw' });
    return new HttpTransport(client, requests);
  }

  bind(sink: CompletionSink): this {
    this.#sink = sink;
    return this;
  }

  send(slot: number, op: OperationCode, key: number, arg: number, arg2: number): void {
    const requests = this.requests;
    switch (op) {
      case OperationCode.Get:
        this.#request(slot, 'GetItem', JSON.stringify(requests.getItem(key)), undefined);
        return;
      case OperationCode.Update:
        this.#request(slot, 'UpdateItem', JSON.stringify(requests.updateItem(key, arg)), undefined);
        return;
      case OperationCode.Insert:
      case OperationCode.Put:
        this.#request(slot, 'PutItem', JSON.stringify(requests.putItem(key)), undefined);
        return;
      case OperationCode.Query:
        this.#request(slot, 'Query', JSON.stringify(requests.query(key, arg, arg2)), undefined);
        return;
      case OperationCode.ReadModifyWrite:
        this.#request(slot, 'GetItem', JSON.stringify(requests.getItem(key)), () => JSON.stringify(requests.updateItem(key, arg)));
        return;
    }
  }

  /** `then`: the body of an UpdateItem to send once this request succeeds (read-modify-write). */
  #request(slot: number, operation: string, body: string, then: (() => string) | undefined): void {
    this.client.send(operation, body, (httpStatus, response) => {
      const outcome = classifyResponse(httpStatus, response, false);
      if (then !== undefined && outcome.status === Status.Ok) {
        this.#request(slot, 'UpdateItem', then(), undefined);
        return;
      }
      const sink = this.#sink!;
      sink.complete(slot, outcome.status, outcome.name);
      sink.afterCompletions(true);
    });
  }

  flush(): void {}

  close(): void {
    this.client.close();
  }
}
