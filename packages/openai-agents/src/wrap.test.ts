import { InvalidArgumentError } from '@aauth-kit/core';
import { Agent, type FunctionTool, run, setTracingDisabled, tool } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { outputSeen } from './__fixtures__/agents.js';
import { NOTES_WRITE_SCOPE } from './__fixtures__/notes-resource.js';
import { startWorld, type World } from './__fixtures__/world.js';
import { DEFAULT_TOOL_ERROR_TEXT } from './describe.js';
import { pendingConsentFor } from './interruptions.js';
import { aauthFetch } from './scope.js';
import { withAAuth } from './wrap.js';

beforeAll(() => setTracingDisabled(true));

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** An ordinary SDK tool that knows nothing of AAuth beyond calling aauthFetch. */
function existingAddNote(origin: string) {
  return tool({
    name: 'add_note',
    description: 'Add a note',
    parameters: z.object({ text: z.string() }),
    execute: async ({ text }) => {
      const response = await aauthFetch(`${origin}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return `${response.status} ${await response.text()}`;
    },
  });
}

describe('withAAuth', () => {
  it('signs the requests of an existing tool; the resource verifies them; the original stays unsigned', async () => {
    world = await startWorld();
    const w = world;
    const original = tool({
      name: 'list_notes',
      description: 'List notes',
      parameters: z.object({}),
      execute: async () => (await aauthFetch(`${w.notes.origin}/notes`)).text(),
    });
    const wrapped = withAAuth(original, { client: w.client() });
    const model = new ScriptedModel([
      [functionCall('list_notes', {}, { callId: 'call_1' })],
      [assistantMessage('ok')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [wrapped] }), 'list');

    expect(JSON.parse(outputSeen(model, 1, 'call_1'))).toEqual({ notes: [{ id: 'n1', text: 'buy milk' }] });
    expect(w.notes.verified).toHaveLength(1);
    expect(w.notes.verified[0]?.identity.agentId).toBe(w.agentId);

    const plainModel = new ScriptedModel([
      [functionCall('list_notes', {}, { callId: 'call_1' })],
      [assistantMessage('ok')],
    ]);
    await run(
      new Agent({ name: 'plain', instructions: 'help', model: plainModel, tools: [original] }),
      'list',
    );
    expect(outputSeen(plainModel, 1, 'call_1')).toBe(DEFAULT_TOOL_ERROR_TEXT);
    expect(w.notes.received).toHaveLength(1);
  });

  it("waits out a consent the tool's own error handling swallowed, then the result reaches the model", async () => {
    world = await startWorld();
    const w = world;
    const wrapped = withAAuth(existingAddNote(w.notes.origin), {
      client: w.client({ consent: 'throw' }),
      onInteraction: (interaction) => w.dev.simulatedUser.approve(interaction.code ?? ''),
    });
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'milk' }, { callId: 'call_1' })],
      [assistantMessage('Saved.')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [wrapped] }), 'note milk');

    expect(outputSeen(model, 1, 'call_1')).toBe('201 {"id":"n2","text":"milk"}');
    const write = w.notes.verified.find((call) => call.method === 'POST');
    expect(write?.identity.scope).toEqual([NOTES_WRITE_SCOPE]);
  });

  it('a denial becomes a readable tool error instead of the wrapped tool generic text', async () => {
    world = await startWorld();
    const w = world;
    const wrapped = withAAuth(existingAddNote(w.notes.origin), {
      client: w.client({ consent: 'throw' }),
      onInteraction: (interaction) => w.dev.simulatedUser.deny(interaction.code ?? ''),
    });
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'milk' }, { callId: 'call_1' })],
      [assistantMessage('Denied.')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [wrapped] }), 'note milk');
    expect(outputSeen(model, 1, 'call_1')).toMatch(/^AAuth consent denied: the user did not grant access to/);
  });

  it("in 'approval' mode pauses the re-call; approving resumes the same consent", async () => {
    world = await startWorld();
    const w = world;
    const wrapped = withAAuth(existingAddNote(w.notes.origin), { client: w.client(), consent: 'approval' });
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'milk' }, { callId: 'call_1' })],
      [functionCall('add_note', { text: 'milk' }, { callId: 'call_2' })],
      [assistantMessage('Saved.')],
    ]);
    const agent = new Agent({ name: 'notes', instructions: 'help', model, tools: [wrapped] });
    const first = await run(agent, 'note milk');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    const item = first.interruptions[0];
    if (item === undefined) throw new RangeError('no interruption');
    expect(pendingConsentFor(item)?.interactionUrl).toBe(asked.url);

    await w.dev.simulatedUser.approve(asked.code);
    first.state.approve(item);
    await run(agent, first.state);
    expect(outputSeen(model, 2, 'call_2')).toBe('201 {"id":"n2","text":"milk"}');
    expect(w.authTokenRequests()).toBe(1);
  });

  it('refuses what it cannot wrap with InvalidArgumentError', async () => {
    world = await startWorld();
    const client = world.client();
    const wrapped = withAAuth(existingAddNote(world.notes.origin), { client });
    expect(() => withAAuth(wrapped, { client })).toThrow(InvalidArgumentError);
    expect(() => withAAuth({ type: 'function', name: 'x' } as unknown as FunctionTool, { client })).toThrow(
      InvalidArgumentError,
    );
  });
});
