/**
 * CloudFormation output keys of the gateway stack. The operator tools read the stack through
 * these names, so both sides import them from here.
 */
export const OUTPUT_KEYS = {
  url: 'GatewayUrl',
  clusterName: 'ClusterName',
  serviceName: 'ServiceName',
  taskDefinitionFamily: 'TaskDefinitionFamily',
} as const;

export type OutputName = keyof typeof OUTPUT_KEYS;

/**
 * Outputs a stack deployed before blue/green lacks; the tools read them when present
 * (absent strategy = rolling).
 */
export const OPTIONAL_OUTPUT_KEYS = {
  deploymentStrategy: 'DeploymentStrategy',
  releaseHookLogGroup: 'ReleaseHookLogGroup',
  releaseHookFunction: 'ReleaseHookFunction',
  gatewayLogGroup: 'GatewayLogGroup',
  canaryLogGroup: 'CanaryLogGroup',
} as const;

export type OptionalOutputName = keyof typeof OPTIONAL_OUTPUT_KEYS;
