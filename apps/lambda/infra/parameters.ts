/**
 * The CloudFormation parameters of {@link IncidentsStack}: the Bedrock knowledge base and its data
 * source, chosen at deploy time, and the condition "a knowledge base is configured".
 * @module
 */
import { CfnCondition, CfnParameter, Fn, type Stack } from 'aws-cdk-lib';
import type { IncidentsStackProps } from './stack-props.js';

/** The knowledge-base parameters and the condition derived from them. */
export interface KnowledgeBaseParameters {
  /** `KnowledgeBaseId` (empty: documents only, no ingestion). */
  knowledgeBaseId: CfnParameter;
  /** `DataSourceId`. */
  dataSourceId: CfnParameter;
  /** `HasKnowledgeBase`: `KnowledgeBaseId` is not empty. */
  hasKnowledgeBase: CfnCondition;
}

/** Adds the `KnowledgeBaseId` and `DataSourceId` parameters and the `HasKnowledgeBase` condition. */
export function addKnowledgeBaseParameters(
  stack: Stack,
  props: Pick<IncidentsStackProps, 'knowledgeBaseId' | 'dataSourceId'>,
): KnowledgeBaseParameters {
  const knowledgeBaseId = new CfnParameter(stack, 'KnowledgeBaseId', {
    type: 'String',
    default: props.knowledgeBaseId ?? '',
    allowedPattern: '^([0-9a-zA-Z]{10})?$',
    description: 'Amazon Bedrock knowledge base id (10 characters); empty to write documents without ingestion',
  });
  const dataSourceId = new CfnParameter(stack, 'DataSourceId', {
    type: 'String',
    default: props.dataSourceId ?? '',
    allowedPattern: '^([0-9a-zA-Z]{10})?$',
    description: 'S3 data source id of the knowledge base (10 characters)',
  });
  const hasKnowledgeBase = new CfnCondition(stack, 'HasKnowledgeBase', {
    expression: Fn.conditionNot(Fn.conditionEquals(knowledgeBaseId.valueAsString, '')),
  });
  return { knowledgeBaseId, dataSourceId, hasKnowledgeBase };
}
