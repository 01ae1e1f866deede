/**
 * The API conformance suite's entry point. A runner file (e.g. test/database.api-suite.test.ts)
 * calls `defineApiSuite(label, setup)` with a setup that opens a fresh implementation and returns an
 * `ApiHarness`; `bindApi` adapts an object whose methods have their own typed inputs and outputs.
 */
export {
  API_METHOD_NAMES,
  bindApi,
  defineApiSuite,
  expectDynamoError,
  TOPIC_NAMES,
} from './harness.js';
export type {
  ApiHarness,
  ApiInput,
  ApiSuiteOptions,
  Capabilities,
  DynamoApi,
  DynamoError,
  TopicName,
} from './harness.js';
