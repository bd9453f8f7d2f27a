/**
 * AWS's own rule packs on the synthesized stack (cdk-nag 3 `AwsSolutionsChecks` and
 * `ServerlessChecks`, run as CDK policy-validation plugins): synthesis fails on any unacknowledged
 * error, so a passing synth means every finding is fixed in the stack or acknowledged there with a
 * written reason (`Validations.of(…).acknowledge`).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { IncidentsStack } from '../infra/incidents-stack.js';
import { FULL_STACK_PROPS } from './support/stack-props.js';

type Props = ConstructorParameters<typeof IncidentsStack>[2];

/** Synthesizes with both packs; returns the validation failure text, or `null` when none. */
function nag(props: Props): string | null {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new IncidentsStack(app, 'Nagged', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  // The plugins print their report on stderr before synth throws; keep it for the failure message.
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    app.synth();
    return null;
  } catch (err) {
    return `${(err as Error).message}\n${lines.join('')}`;
  } finally {
    process.stderr.write = write;
  }
}

describe('cdk-nag (AwsSolutions + Serverless packs)', () => {
  it('no unacknowledged finding on the full stack (connectors with a secret and a parameter, knowledge base)', () => {
    expect(nag(FULL_STACK_PROPS)).toBeNull();
  });

  it('none with the webhook intake behind its Function URL', () => {
    expect(
      nag({
        webhooks: true,
        connectors: [
          {
            name: 'zendesk',
            options: { baseUrl: 'https://acme.zendesk.com' },
            secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:zendesk-AbCdEf',
          },
        ],
      }),
    ).toBeNull();
  });

  it('none either without connectors, on an existing bucket', () => {
    expect(nag({ existingBucketName: 'team-kb-bucket' })).toBeNull();
  });

  it('the packs do run: a finding left unacknowledged fails synthesis', () => {
    // Node.js 20 is not the latest runtime, and nothing acknowledges that.
    const failure = nag({ runtime: 'nodejs20.x' });
    expect(failure).toContain('Serverless-LambdaLatestVersion');
  });
});
