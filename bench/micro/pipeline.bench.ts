/**
 * Wire pipeline micro-benchmark: bench:http's PutItem and GetItem requests through the in-process
 * RequestPipeline (engine/api/pipeline.ts: no socket, no HTTP framing) on an in-memory database of
 * 20,000 items with capacity unlimited. Each request is timed two ways in the same run:
 *
 *   one pass      the body as bench:http sends it, which engine/api/item-request-body.ts reads in one
 *                 pass (PutItem's item straight to its stored form);
 *   usual path    the same request with a member that changes nothing (ReturnValues NONE,
 *                 ConsistentRead false), which the one-pass read declines: JSON.parse, binary
 *                 decoding, request validation, item walks, then the same write or read.
 *
 * The last line prints each operation's ratio, one pass ÷ usual path.
 */
import { Bench } from 'tinybench';
import { perOpRows } from './per-op-table.js';
import { RequestPipeline, type ApiRequest } from '../../engine/api/pipeline.js';
import { Database } from '../../engine/database.js';
import { SeededRandom } from '../../engine/util/random.js';

const KEYS = 20_000;
/** Requests per task iteration (awaited one after another). */
const BATCH = 2_000;
const VALUE_BYTES = 100;

/** A printable-ASCII value (so some carry '"' and '\' escapes, as bench:http's do), as its JSON string. */
function valueJson(random: SeededRandom): string {
  let text = '';
  for (let i = 0; i < VALUE_BYTES; i++) text += String.fromCharCode(0x20 + random.int(95));
  return JSON.stringify(text);
}

function request(operation: string, body: string): ApiRequest {
  return {
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
    body: Buffer.from(body, 'utf8'),
  };
}

export async function run(): Promise<void> {
  const db = await Database.open({ capacity: 'unlimited' });
  try {
    await db.createTable({
      TableName: 'bench',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const random = new SeededRandom(301);
    const keys = Array.from({ length: KEYS }, (_, i) => String(i).padStart(16, '0'));
    const puts = keys.map((key) => `{"TableName":"bench","Item":{"pk":{"S":"${key}"},"v":{"S":${valueJson(random)}}}}`);
    const gets = keys.map((key) => `{"TableName":"bench","Key":{"pk":{"S":"${key}"}}}`);
    const variants = {
      'PutItem one pass': puts.map((body) => request('PutItem', body)),
      'PutItem usual path': puts.map((body) => request('PutItem', `${body.slice(0, -1)},"ReturnValues":"NONE"}`)),
      'GetItem one pass': gets.map((body) => request('GetItem', body)),
      'GetItem usual path': gets.map((body) => request('GetItem', `${body.slice(0, -1)},"ConsistentRead":false}`)),
    };
    const pipeline = new RequestPipeline({ database: db });
    for (const body of puts) {
      const response = await pipeline.handle(request('PutItem', body));
      if (response.statusCode !== 200) throw new Error(`preload: HTTP ${response.statusCode}`);
    }
    const bench = new Bench({ time: 1_000, iterations: 5, warmupIterations: 1 });
    for (const [name, requests] of Object.entries(variants)) {
      let next = 0;
      bench.add(name, async () => {
        for (let i = 0; i < BATCH; i++) {
          const response = await pipeline.handle(requests[(next = (next + 7919) % KEYS)]!);
          if (response.statusCode !== 200) throw new Error(`${name}: HTTP ${response.statusCode}`);
        }
      });
    }
    await bench.run();
    const rows = perOpRows(bench, () => BATCH);
    console.table(rows);
    const nsPerOp = new Map(rows.map((row) => [row['task'], Number(row['ns/op'])]));
    const ratio = (operation: string): string => (nsPerOp.get(`${operation} one pass`)! / nsPerOp.get(`${operation} usual path`)!).toFixed(2);
    console.log(`one pass ÷ usual path: PutItem ${ratio('PutItem')}×, GetItem ${ratio('GetItem')}×`);
  } finally {
    await db.close();
  }
}
