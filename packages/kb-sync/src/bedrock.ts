/**
 * `@incidents/kb-sync/bedrock` — Amazon Bedrock Knowledge Bases (ingestion jobs and retrieval).
 *
 * A subpath of its own so that local-only use installs and loads no AWS SDK: install
 * `@aws-sdk/client-bedrock-agent` and `@aws-sdk/client-bedrock-agent-runtime` (optional peer
 * dependencies) to use it.
 *
 * @module
 */
export {
  type BedrockKnowledgeBaseOptions,
  createBedrockKnowledgeBase,
  toBedrockFilter,
} from './knowledge-bases/bedrock.js';
