/** What the global set-up gives the tests (`inject`). */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started by @incidents/test-support/dynamodb-local-setup. */
    dynamoEndpoint: string;
  }
}
