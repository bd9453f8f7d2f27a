/** Props of {@link IncidentsStack} shared by the stack's tests (template assertions, cdk-nag, logical ids). */
import { Duration } from 'aws-cdk-lib';
import type { IncidentsStackProps } from '../../infra/incidents-stack.js';

/**
 * The stack with a knowledge base, an alarm email and two connectors: `jira` (a Secrets Manager
 * secret) and `slack` (an SSM parameter, its own rate of 15 minutes).
 */
export const FULL_STACK_PROPS: IncidentsStackProps = {
  knowledgeBaseId: 'ABCDEFGHIJ',
  dataSourceId: 'KLMNOPQRST',
  alarmEmail: 'oncall@example.com',
  connectors: [
    {
      name: 'jira',
      options: { baseUrl: 'https://acme.atlassian.net' },
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jira-AbCdEf',
    },
    {
      name: 'slack',
      ssmParameterName: '/incidents/slack',
      options: { channelId: 'C0123' },
      rate: Duration.minutes(15),
    },
  ],
};
