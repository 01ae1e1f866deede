/**
 * What a DynamoDB endpoint URL says about itself: AWS's regional endpoints name their region
 * (`https://dynamodb.eu-west-1.amazonaws.com`, also `dynamodb-fips.…` and `.amazonaws.com.cn`), and
 * a SigV4 signature must be scoped to that region or DynamoDB refuses it. Other endpoints (silt
 * serve, DynamoDB Local, Alternator) accept any region. Pure.
 */
const AWS_DYNAMODB_HOST = /^dynamodb(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i;

/** The region an AWS DynamoDB endpoint URL names, or undefined for any other endpoint. */
export function regionOfEndpointUrl(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // not a URL: the configuration's own check reports it
  }
  return AWS_DYNAMODB_HOST.exec(host)?.[1]?.toLowerCase();
}
