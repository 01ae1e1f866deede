/** regionOfEndpointUrl: AWS DynamoDB endpoints name their region; nothing else does. */
import { describe, expect, it } from 'vitest';
import { regionOfEndpointUrl } from '../../../bench/http/endpoint.js';

describe('regionOfEndpointUrl', () => {
  it('reads the region of AWS DynamoDB endpoints only', () => {
    expect(regionOfEndpointUrl('https://dynamodb.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOfEndpointUrl('https://dynamodb.us-gov-west-1.amazonaws.com/')).toBe('us-gov-west-1');
    expect(regionOfEndpointUrl('https://dynamodb-fips.us-east-1.amazonaws.com')).toBe('us-east-1');
    expect(regionOfEndpointUrl('https://dynamodb.cn-north-1.amazonaws.com.cn')).toBe('cn-north-1');
    expect(regionOfEndpointUrl('https://DynamoDB.EU-WEST-3.amazonaws.com')).toBe('eu-west-3');
    expect(regionOfEndpointUrl('http://127.0.0.1:8000')).toBeUndefined();
    expect(regionOfEndpointUrl('https://dynamodb.eu-west-1.amazonaws.com.evil.example')).toBeUndefined();
    expect(regionOfEndpointUrl('https://streams.dynamodb.eu-west-1.amazonaws.com')).toBeUndefined();
    expect(regionOfEndpointUrl('not a url')).toBeUndefined();
  });
});
