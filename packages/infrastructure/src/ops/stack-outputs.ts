/**
 * The deployed stack's outputs (lib/outputs.ts names them): where the gateway answers and
 * which ECS service and task-definition family the tools act on.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OPTIONAL_OUTPUT_KEYS, OUTPUT_KEYS, type OptionalOutputName, type OutputName } from '../../lib/outputs.js';
import { awsError, OpsError } from './types.js';

export type StackOutputs = Record<OutputName, string> & Partial<Record<OptionalOutputName, string>>;

/** True for CloudFormation's "Stack with id X does not exist" (a ValidationError). */
function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

/** The stack's outputs, or undefined when the stack does not exist. */
export async function findStackOutputs(cfn: CloudFormationClient, stackName: string): Promise<StackOutputs | undefined> {
  let stack;
  try {
    const response = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = response.Stacks?.[0];
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw awsError(`DescribeStacks(${stackName})`, error);
  }
  if (!stack) return undefined;
  const byKey = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const outputs: Partial<StackOutputs> = {};
  const missing: string[] = [];
  for (const [name, key] of Object.entries(OUTPUT_KEYS) as [OutputName, string][]) {
    const value = byKey.get(key);
    if (value) outputs[name] = value;
    else missing.push(key);
  }
  if (missing.length > 0) {
    throw new OpsError(`Stack ${stackName} (${String(stack.StackStatus)}) lacks the outputs ${missing.join(', ')}; was it deployed from this package?`);
  }
  for (const [name, key] of Object.entries(OPTIONAL_OUTPUT_KEYS) as [OptionalOutputName, string][]) {
    const value = byKey.get(key);
    if (value) outputs[name] = value;
  }
  return outputs as StackOutputs;
}

/** A stack deployed before the strategy output existed is rolling. */
export const isBlueGreen = (outputs: StackOutputs | undefined): boolean => outputs?.deploymentStrategy === 'BLUE_GREEN';

export async function readStackOutputs(cfn: CloudFormationClient, stackName: string): Promise<StackOutputs> {
  const outputs = await findStackOutputs(cfn, stackName);
  if (!outputs) throw new OpsError(`Stack ${stackName} does not exist in this account and region. Deploy it first (pnpm run deploy).`);
  return outputs;
}
