/**
 * Regression found by `silt fuzz concurrency --seed 11`. It fails until the bug is
 * fixed, then guards the fix. Replay it alone with `silt fuzz --replay <this file>`.
 *
 * Failure:
 *   Error: register r1 is not linearizable: [6..7] #6 UpdateItem r1 SET v=v6 IF attribute_not_exists(v) → ConditionalCheckFailed; [10..11] #5 GetItem r1 (consistent) → (absent); [2..12] #1 UpdateItem r1 SET v=v1 IF attribute_not_exists(v) → ok; [20..21] #10 GetItem r1 (consistent) → v1; longest linearizable prefix: #1 UpdateItem r1 SET v=v1 IF attribute_not_exists(v) → #6 UpdateItem r1 SET v=v6 IF attribute_not_exists(v) (fast-check path 397:22:6:6:12:6:17:17:49:32:32, shrunk 10 times)
 *
 * Shrunk counterexample:
 *   #0 UpdateItem l0 SET l = list_append(l, [0]) RETURN ALL_NEW
 *   #1 UpdateItem r1 SET v=v1 IF attribute_not_exists(v)
 *   #2 TransactWriteItems append 2 to l0
 *   #3 TransactWriteItems append 3 to l0
 *   #4 GetItem r2 (consistent)
 *   #5 GetItem r1 (consistent)
 *   #6 UpdateItem r1 SET v=v6 IF attribute_not_exists(v)
 *   #7 UpdateItem l1 SET l = list_append(l, [7]) RETURN ALL_NEW
 *   #8 GetItem r0 (consistent)
 *   scheduler:
 *   schedulerFor()`
 *   -> [task${4}] promise::start #3 TransactWriteItems append 3 to l0 resolved with value 3
 *   -> [task${2}] promise::start #1 UpdateItem r1 SET v=v1 IF attribute_not_exists(v) resolved with value 1
 *   -> [task${9}] promise::start #8 GetItem r0 (consistent) resolved with value 8
 *   -> [task${8}] promise::start #7 UpdateItem l1 SET l = list_append(l, [7]) RETURN ALL_NEW resolved with value 7
 *   -> [task${7}] promise::start #6 UpdateItem r1 SET v=v6 IF attribute_not_exists(v) resolved with value 6
 *   -> [task${1}] promise::start #0 UpdateItem l0 SET l = list_append(l, [0]) RETURN ALL_NEW resolved with value 0
 *   -> [task${10}] promise::sync /silt/000003.wal resolved
 *   -> [task${6}] promise::start #5 GetItem r1 (consistent) resolved with value 5
 *   -> [task${11}] promise::sync /silt/000003.wal resolved
 *   -> [task${5}] promise::start #4 GetItem r2 (consistent) resolved with value 4
 *   -> [task${3}] promise::start #2 TransactWriteItems append 2 to l0 resolved with value 2
 *   -> [task${12}] promise::sync /silt/000003.wal resolved`
 */
import { expect, it } from 'vitest';
import { campaignNamed } from '../registry.js';

const REPLAY: unknown = {
  "version": 1,
  "ops": [
    {
      "kind": "append",
      "key": 0
    },
    {
      "kind": "cas",
      "key": 1,
      "expected": 484154304
    },
    {
      "kind": "txAppend",
      "keys": [
        0
      ]
    },
    {
      "kind": "txAppend",
      "keys": [
        0
      ]
    },
    {
      "kind": "get",
      "key": 2
    },
    {
      "kind": "get",
      "key": 1
    },
    {
      "kind": "cas",
      "key": 1,
      "expected": 1539568450
    },
    {
      "kind": "append",
      "key": 1
    },
    {
      "kind": "get",
      "key": 0
    }
  ],
  "order": [
    4,
    2,
    9,
    8,
    7,
    1,
    10,
    6,
    11,
    5,
    3,
    12
  ]
}; // end of replay

it("concurrency seed 11 (64e260e7) replays without failure", async () => {
  const result = await campaignNamed('concurrency').replay(REPLAY);
  expect(result.failure?.message ?? null, result.failure?.script).toBeNull();
});
