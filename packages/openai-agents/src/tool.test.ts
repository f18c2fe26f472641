import { ConfigurationError, type Interaction, jwkThumbprint } from '@aauth-kit/core';
import { Agent, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { outputSeen } from './__fixtures__/agents.js';
import { NOTES_WRITE_SCOPE } from './__fixtures__/notes-resource.js';
import { startWorld, type World } from './__fixtures__/world.js';
import type { ToolCallInfo } from './options.js';
import { aauthFetch } from './scope.js';
import { aauthTool } from './tool.js';

beforeAll(() => setTracingDisabled(true));

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function notesTools(w: World, settings: Parameters<typeof aauthTool>[0]['client'], extra = {}) {
  const listNotes = aauthTool({
    name: 'list_notes',
    description: 'List the user notes',
    parameters: z.object({}),
    client: settings,
    ...extra,
    execute: async (_input, _ctx, { fetch }) => (await fetch(`${w.notes.origin}/notes`)).text(),
  });
  const addNote = aauthTool({
    name: 'add_note',
    description: 'Add a note',
    parameters: z.object({ text: z.string() }),
    client: settings,
    ...extra,
    execute: async ({ text }, _ctx, { fetch }) => {
      expectTypeOf(text).toEqualTypeOf<string>();
      const response = await fetch(`${w.notes.origin}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return `${response.status} ${await response.text()}`;
    },
  });
  return { listNotes, addNote };
}

describe('aauthTool', () => {
  it('signs the tool request with the agent key and the resource verifies it; the model gets the result', async () => {
    world = await startWorld();
    const { listNotes } = notesTools(world, world.client());
    const model = new ScriptedModel([
      [functionCall('list_notes', {}, { callId: 'call_1' })],
      [assistantMessage('You have one note.')],
    ]);
    const agent = new Agent({ name: 'notes', instructions: 'help', model, tools: [listNotes] });

    const result = await run(agent, 'What are my notes?');

    expect(result.finalOutput).toBe('You have one note.');
    expect(world.notes.verified).toHaveLength(1);
    const [seen] = world.notes.verified;
    expect(seen?.method).toBe('GET');
    expect(seen?.identity.kind).toBe('agent');
    expect(seen?.identity.agentId).toBe(world.agentId);
    expect(seen?.identity.agentJkt).toBe(await jwkThumbprint(world.key.publicJwk));
    expect(seen?.identity.signature.components).toEqual(
      expect.arrayContaining(['@method', '@authority', '@path', 'signature-key']),
    );
    expect(JSON.parse(outputSeen(model, 1, 'call_1'))).toEqual({ notes: [{ id: 'n1', text: 'buy milk' }] });
  });

  it("'wait' mode with a 'throw' client: surfaces the URL, waits for the approval, re-runs, the model gets the result", async () => {
    world = await startWorld();
    const w = world;
    const seen: { interaction: Interaction; call: ToolCallInfo }[] = [];
    const { addNote } = notesTools(w, w.client({ consent: 'throw' }), {
      onInteraction: async (interaction: Interaction, call: ToolCallInfo) => {
        seen.push({ interaction, call });
        await w.dev.simulatedUser.approve(interaction.code ?? '');
      },
    });
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'call mom' }, { callId: 'call_1' })],
      [assistantMessage('Saved.')],
    ]);
    const agent = new Agent({ name: 'notes', instructions: 'help', model, tools: [addNote] });

    await run(agent, 'Remember to call mom');

    expect(seen).toHaveLength(1);
    expect(seen[0]?.call).toMatchObject({ toolName: 'add_note', callId: 'call_1' });
    expect(seen[0]?.interaction.interactionUrl).toBe(
      `${seen[0]?.interaction.url}?code=${encodeURIComponent(seen[0]?.interaction.code ?? '')}`,
    );
    expect(outputSeen(model, 1, 'call_1')).toBe('201 {"id":"n2","text":"call mom"}');
    const write = w.notes.verified.find((call) => call.method === 'POST');
    expect(write?.identity.kind).toBe('auth');
    expect(write?.identity.scope).toEqual([NOTES_WRITE_SCOPE]);
    expect(write?.identity.person?.iss).toBe(w.dev.identifiers.personServer);
    expect(write?.body).toBe('{"text":"call mom"}');
  });

  it("'wait' mode with a 'wait' client: the client blocks and polls inside the fetch", async () => {
    world = await startWorld();
    const w = world;
    const client = w.client({
      onInteraction: async (interaction) => w.dev.simulatedUser.approve(interaction.code ?? ''),
    });
    const { addNote } = notesTools(w, client);
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'water plants' }, { callId: 'call_1' })],
      [assistantMessage('Saved.')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [addNote] }), 'note it');
    expect(outputSeen(model, 1, 'call_1')).toBe('201 {"id":"n2","text":"water plants"}');
  });

  it('a denied consent reaches the model as a readable tool error, not the generic text', async () => {
    world = await startWorld();
    const w = world;
    const { addNote } = notesTools(w, w.client({ consent: 'throw' }), {
      onInteraction: (interaction: Interaction) => w.dev.simulatedUser.deny(interaction.code ?? ''),
    });
    const model = new ScriptedModel([
      [functionCall('add_note', { text: 'secret' }, { callId: 'call_1' })],
      [assistantMessage('Access was denied.')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [addNote] }), 'note it');

    const output = outputSeen(model, 1, 'call_1');
    expect(output).toBe(
      `AAuth consent denied: the user did not grant access to ${w.notes.origin} (denied). Do not retry unless the user asks you to.`,
    );
    expect(w.notes.verified.some((call) => call.method === 'POST')).toBe(false);
  });

  it('parallel calls in one turn that need the same consent cause one consent request and one onInteraction', async () => {
    world = await startWorld();
    const w = world;
    const seen: { interaction: Interaction; call: ToolCallInfo }[] = [];
    const { addNote } = notesTools(w, w.client({ consent: 'throw' }), {
      onInteraction: async (interaction: Interaction, call: ToolCallInfo) => {
        seen.push({ interaction, call });
        await w.dev.simulatedUser.approve(interaction.code ?? '');
      },
    });
    const model = new ScriptedModel([
      [
        functionCall('add_note', { text: 'one' }, { callId: 'call_1' }),
        functionCall('add_note', { text: 'two' }, { callId: 'call_2' }),
        functionCall('add_note', { text: 'three' }, { callId: 'call_3' }),
      ],
      [assistantMessage('Saved all three.')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [addNote] }), 'note them');

    expect(seen).toHaveLength(1);
    expect(['call_1', 'call_2', 'call_3']).toContain(seen[0]?.call.callId);
    expect(w.authTokenRequests()).toBe(1);
    for (const callId of ['call_1', 'call_2', 'call_3']) {
      expect(outputSeen(model, 1, callId)).toMatch(/^201 /);
    }
    expect(w.notes.verified.filter((call) => call.method === 'POST')).toHaveLength(3);
  });

  it('aauthFetch reaches the call scope from code below execute', async () => {
    world = await startWorld();
    const w = world;
    const helper = async () => (await aauthFetch(`${w.notes.origin}/notes`)).status;
    const probe = aauthTool({
      name: 'probe',
      description: 'probe',
      parameters: z.object({}),
      client: w.client(),
      execute: async () => String(await helper()),
    });
    const model = new ScriptedModel([
      [functionCall('probe', {}, { callId: 'call_1' })],
      [assistantMessage('ok')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [probe] }), 'probe');
    expect(outputSeen(model, 1, 'call_1')).toBe('200');
    await expect(aauthFetch(`${w.notes.origin}/notes`)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('non-AAuth errors keep the tool error function (or the SDK default text)', async () => {
    world = await startWorld();
    const failing = aauthTool({
      name: 'failing',
      description: 'fails',
      parameters: z.object({}),
      client: world.client(),
      execute: async () => {
        throw new TypeError('boom');
      },
      errorFunction: (_ctx, error) => `custom: ${(error as Error).message}`,
    });
    const model = new ScriptedModel([
      [functionCall('failing', {}, { callId: 'call_1' })],
      [assistantMessage('ok')],
    ]);
    await run(new Agent({ name: 'notes', instructions: 'help', model, tools: [failing] }), 'go');
    expect(outputSeen(model, 1, 'call_1')).toBe('custom: boom');
  });

  it('rejects bad settings with ConfigurationError', () => {
    const base = { name: 'x', description: 'x', parameters: z.object({}), execute: async () => 'x' };
    expect(() => aauthTool({ ...base, client: {} as never })).toThrow(ConfigurationError);
    const client = {
      fetch: fetch,
      waitForConsent: fetch,
      pollConsentOnce: fetch,
      pendingConsent: fetch,
    } as never;
    expect(() => aauthTool({ ...base, client, consent: 'later' as never })).toThrow(ConfigurationError);
    expect(() => aauthTool({ ...base, client, resumeTimeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() =>
      aauthTool({
        name: 'y',
        description: 'y',
        client,
        consent: 'approval',
        execute: async () => 'y',
      } as never),
    ).toThrow(ConfigurationError);
  });
});
