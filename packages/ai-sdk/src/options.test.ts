/** Bad options fail when the tool is built, with a ConfigurationError naming the option. */
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';
import { tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startWorld, type World } from './__fixtures__/world.js';
import { aauthTool } from './tool.js';
import { aauthToolApproval } from './tool-approval.js';
import { withAAuth, withAAuthTools } from './wrap.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

const inputSchema = z.object({});
const execute = async () => 'ok';

describe('aauthTool options', () => {
  it.each([
    ['no client', { inputSchema, execute }, /client must be an agent client/],
    ['a bad mode', { mode: 'later', inputSchema, execute }, /mode must be/],
    ['onConsent not a function', { onConsent: 'log', inputSchema, execute }, /onConsent must be a function/],
    ['a negative consentTimeoutMs', { consentTimeoutMs: -1, inputSchema, execute }, /consentTimeoutMs/],
    ['maxConsents 0', { maxConsents: 0, inputSchema, execute }, /maxConsents/],
    ['maxConsents 1.5', { maxConsents: 1.5, inputSchema, execute }, /maxConsents/],
    ['no execute', { inputSchema }, /execute must be a function/],
    ['no inputSchema', { execute }, /inputSchema is required/],
  ])('refuses %s', (_name, definition, message) => {
    const client = 'client' in definition || _name === 'no client' ? undefined : world.client;
    const build = () =>
      aauthTool({ ...(client === undefined ? {} : { client }), ...definition } as unknown as Parameters<
        typeof aauthTool
      >[0]);
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });

  it('refuses a missing definition', () => {
    expect(() => aauthTool(undefined as unknown as Parameters<typeof aauthTool>[0])).toThrow(
      ConfigurationError,
    );
  });

  it('keeps the other tool() fields and drops the AAuth ones', () => {
    const built = aauthTool({
      client: world.client,
      mode: 'stream',
      description: 'd',
      strict: true,
      inputSchema,
      execute,
    });
    expect(built.description).toBe('d');
    expect(built.strict).toBe(true);
    expect(built).not.toHaveProperty('client');
    expect(built).not.toHaveProperty('mode');
    expect(built).not.toHaveProperty('needsApproval');
  });

  it('sets needsApproval only in approval mode', () => {
    const approval = aauthTool({ client: world.client, mode: 'approval', inputSchema, execute });
    expect(typeof approval.needsApproval).toBe('function');
  });
});

describe('withAAuth / withAAuthTools', () => {
  it('returns a tool without execute unchanged (nothing runs here to sign)', () => {
    const clientSide = tool({ inputSchema, outputSchema: z.string() });
    expect(withAAuth(clientSide, { client: world.client })).toBe(clientSide);
  });

  it('keeps a tool that always needs approval asking for it in approval mode', async () => {
    const always = withAAuth(tool({ inputSchema, needsApproval: true, execute }), {
      client: world.client,
      mode: 'approval',
    });
    const needsApproval = always.needsApproval as (input: unknown, options: unknown) => Promise<boolean>;
    expect(await needsApproval({}, { toolCallId: 'x', messages: [] })).toBe(true);
  });

  it('refuses bad tools and options', () => {
    expect(() => withAAuth(null as unknown as object, { client: world.client })).toThrow(ConfigurationError);
    expect(() => withAAuth(tool({ inputSchema, execute }), { client: {} as AAuthClient })).toThrow(
      ConfigurationError,
    );
    expect(() => withAAuthTools(null as unknown as Record<string, object>, { client: world.client })).toThrow(
      ConfigurationError,
    );
    expect(() => withAAuthTools({}, { client: world.client, mode: 'x' as 'wait' })).toThrow(
      ConfigurationError,
    );
    expect(() => aauthToolApproval('yes' as unknown as () => 'approved')).toThrow(ConfigurationError);
  });

  it('wraps every tool of a set and keeps the names', () => {
    const wrapped = withAAuthTools(
      { a: tool({ inputSchema, execute }), b: tool({ inputSchema, execute }) },
      {
        client: world.client,
      },
    );
    expect(Object.keys(wrapped)).toEqual(['a', 'b']);
    expect(wrapped.a.execute).not.toBe(execute);
  });
});
