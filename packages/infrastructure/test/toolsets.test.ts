/**
 * MCP_TOOLSETS and MCP_READ_ONLY through the stack: settings (with their defaults and
 * validation), `-c` context, the container environment, and the synthesized task definition.
 */
import { GatewayConfigError, resolveConfig, STACK_OWNED_VARIABLES, type GatewayConfigInput } from '../lib/config.js';
import { configInputFromContext } from '../lib/context.js';
import { containerEnvironment } from '../lib/environment.js';
import { synthesize, type Synthesized } from './support/fixture.js';

const base: GatewayConfigInput = { hostedZoneId: 'Z0123456789EXAMPLE' };
const read = (values: Record<string, unknown>) => (key: string) => values[key];

describe('toolset settings', () => {
  it('default to the server\'s defaults and add nothing to the environment', () => {
    const config = resolveConfig(base);
    expect(config.toolsets).toEqual(['default']);
    expect(config.readOnly).toBe(false);
    const env = containerEnvironment(config);
    expect(env).not.toHaveProperty('MCP_TOOLSETS');
    expect(env).not.toHaveProperty('MCP_READ_ONLY');
  });

  it('reach the container environment when set', () => {
    const env = containerEnvironment(resolveConfig({ ...base, toolsets: ['account', 'documents'], readOnly: true }));
    expect(env['MCP_TOOLSETS']).toBe('account,documents');
    expect(env['MCP_READ_ONLY']).toBe('true');
    expect(containerEnvironment(resolveConfig({ ...base, toolsets: ['all'] }))['MCP_TOOLSETS']).toBe('all');
  });

  it('are read from -c strings and cdk.json values', () => {
    expect(configInputFromContext(read({ toolsets: 'documents,payments', readOnly: 'true' }))).toEqual(expect.objectContaining({ toolsets: ['documents', 'payments'], readOnly: true }));
    expect(configInputFromContext(read({ toolsets: ['all'], readOnly: false }))).toEqual(expect.objectContaining({ toolsets: ['all'], readOnly: false }));
    expect(() => configInputFromContext(read({ readOnly: 'yes' }))).toThrow(/readOnly: must be true or false/);
  });

  it.each<[Partial<GatewayConfigInput>, RegExp]>([
    [{ toolsets: [] }, /toolsets: must be default, all, or a list/],
    [{ toolsets: ['Documents!'] }, /toolsets: must be default, all, or a list/],
    [{ toolsets: ['all', 'documents'] }, /toolsets: default and all stand alone/],
  ])('refuses %j, naming the setting', (input, message) => {
    expect(() => resolveConfig({ ...base, ...input } as GatewayConfigInput)).toThrow(GatewayConfigError);
    expect(() => resolveConfig({ ...base, ...input } as GatewayConfigInput)).toThrow(message);
  });

  it('belong to the stack: extraEnvironment cannot set them behind its back', () => {
    expect(STACK_OWNED_VARIABLES).toEqual(expect.arrayContaining(['MCP_TOOLSETS', 'MCP_READ_ONLY']));
    expect(() => resolveConfig({ ...base, extraEnvironment: { MCP_READ_ONLY: 'true' } })).toThrow(/extraEnvironment/);
  });
});

describe('a stack synthesized with toolset settings', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({ hostedZoneId: 'Z0123456789EXAMPLE', toolsets: 'account,documents,payments', readOnly: 'true' });
  });
  afterAll(() => synth?.dispose());

  it('passes both to the container', () => {
    const [task] = Object.values(synth.template.findResources('AWS::ECS::TaskDefinition'));
    const env = Object.fromEntries((task!['Properties'].ContainerDefinitions[0].Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
    expect(env['MCP_TOOLSETS']).toBe('account,documents,payments');
    expect(env['MCP_READ_ONLY']).toBe('true');
  });
});
