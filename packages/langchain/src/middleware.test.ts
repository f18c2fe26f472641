import { type Interaction, InvalidArgumentError } from '@aauth-kit/core';
import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage, ToolMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { tool } from '@langchain/core/tools';
import { Command, MemorySaver } from '@langchain/langgraph';
import { createAgent, MiddlewareError, toolErrorMiddleware } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NOTES_WRITE, notesTools, startWorld, thumbprintOf, type World } from './__fixtures__/world.js';
import { type AAuthInterruptValue, getAAuthInterrupts } from './interrupt-value.js';
import { aauthMiddleware } from './middleware.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const thread = (id: string) => ({ configurable: { thread_id: id } });

/** The ToolMessages the model was given on its n-th call. */
function toolMessagesSeen(model: ReturnType<typeof fakeModel>, call: number): ToolMessage[] {
  const messages = (model.calls[call]?.messages ?? []) as BaseMessage[];
  return messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
}

function agentFor(w: World, model: ReturnType<typeof fakeModel>, consent?: 'interrupt' | 'wait') {
  const { readNotes, addNote } = notesTools(w.notes);
  return createAgent({
    model,
    tools: [readNotes, addNote],
    middleware: [aauthMiddleware({ client: w.client, ...(consent ? { consent } : {}) })],
    checkpointer: new MemorySaver(),
  });
}

function onlyConsent(result: { __interrupt__?: { value?: unknown }[] }): AAuthInterruptValue {
  const consents = getAAuthInterrupts(result.__interrupt__);
  expect(consents).toHaveLength(1);
  return consents[0]!;
}

describe('aauthMiddleware with createAgent', () => {
  it('signs the read a tool makes with aauthFetch; the resource verifies it and the model gets the result', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'read_notes', args: {}, id: 'call_read' }])
      .respond(new AIMessage('You have one note.'));
    const agent = agentFor(world, model);

    const result = await agent.invoke(
      { messages: [{ role: 'user', content: 'What are my notes?' }] },
      thread('r'),
    );

    expect(result.__interrupt__).toBeUndefined();
    expect(world.verified).toEqual([
      expect.objectContaining({
        method: 'GET',
        kind: 'agent',
        agentId: world.agentId,
        agentJkt: thumbprintOf(world),
      }),
    ]);
    expect(world.verified[0]?.components).toEqual(
      expect.arrayContaining(['@method', '@authority', '@path', 'signature-key']),
    );
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.tool_call_id).toBe('call_read');
    expect(seen?.content).toBe('200 {"notes":["buy milk"]}');
    expect(model.callCount).toBe(2);
  });

  it('pauses on consent with an interrupt carrying the URL and code the person is shown', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'call mom' }, id: 'call_add' }])
      .respond(new AIMessage('Added.'));
    const agent = agentFor(world, model);
    const config = thread('consent');

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'Note: call mom' }] }, config);

    const asked = await world.dev.simulatedUser.next({ timeoutMs: 2000 });
    const consent = onlyConsent(first);
    expect(consent).toMatchObject({
      type: 'aauth.consent_required',
      kind: 'interaction',
      interactionUrl: asked.url,
      url: world.dev.urls.consent,
      code: asked.code,
      resource: world.notes,
      scope: [NOTES_WRITE],
      toolName: 'add_note',
      toolCallId: 'call_add',
    });
    expect(world.client.pendingConsent(world.notes)?.id).toBe(consent.pendingId);
    // The same value is what getState() shows for the paused task.
    const state = await agent.graph.getState(config);
    expect(state.tasks.flatMap((t) => t.interrupts).map((i) => i.value)).toEqual([consent]);
    // Paused: the model has not been called again and nothing was written.
    expect(model.callCount).toBe(1);
    expect(world.verified).toEqual([]);
  });

  it('approve → resume: the tool runs with an auth token and its result reaches the model', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'call mom' }, id: 'call_add' }])
      .respond(new AIMessage('Added.'));
    const agent = agentFor(world, model);
    const config = thread('approve');
    const first = await agent.invoke({ messages: [{ role: 'user', content: 'Note: call mom' }] }, config);
    const consent = onlyConsent(first);

    await world.dev.simulatedUser.approve(consent.code!);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).not.toBe('error');
    expect(seen?.content).toBe('200 {"notes":["buy milk","call mom"]}');
    expect(world.verified).toEqual([
      expect.objectContaining({
        method: 'POST',
        kind: 'auth',
        agentJkt: thumbprintOf(world),
        scope: [NOTES_WRITE],
        person: expect.objectContaining({ iss: world.dev.identifiers.personServer }),
      }),
    ]);
    expect(world.verified[0]?.components).toEqual(
      expect.arrayContaining(['@method', '@authority', '@path', 'signature-key', 'content-digest']),
    );
    expect(world.authTokenRequests()).toBe(1);
    expect(world.client.pendingConsent(world.notes)).toBeUndefined();
    expect(done.messages.at(-1)?.content).toBe('Added.');
  });

  it('resuming while still pending interrupts again for the same consent, then completes after approval', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('Added.'));
    const agent = agentFor(world, model);
    const config = thread('pending');
    const consent = onlyConsent(
      await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config),
    );

    const again = await agent.invoke(new Command({ resume: { approved: true } }), config);
    const second = onlyConsent(again);
    expect(second.pendingId).toBe(consent.pendingId);
    expect(second.code).toBe(consent.code);
    expect(world.authTokenRequests()).toBe(1);
    expect(model.callCount).toBe(1);

    await world.dev.simulatedUser.approve(consent.code!);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);
    expect(done.__interrupt__).toBeUndefined();
    expect(toolMessagesSeen(model, 1)[0]?.content).toBe('200 {"notes":["buy milk","x"]}');
    expect(world.authTokenRequests()).toBe(1);
  });

  it('a person who denies at the Person Server gives the model an error ToolMessage it can read', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('The user said no.'));
    const agent = agentFor(world, model);
    const config = thread('deny');
    const consent = onlyConsent(
      await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config),
    );

    await world.dev.simulatedUser.deny(consent.code!);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(seen?.tool_call_id).toBe('call_add');
    expect(seen?.content).toBe(
      `Access to ${world.notes} was denied (denied). Do not call this tool again for it unless the user asks you to.`,
    );
    // The client's denial error names the resource, not the scope (the re-run learns of it first).
    expect(seen?.artifact).toEqual({
      type: 'aauth.consent_declined',
      reason: 'denied',
      resource: world.notes,
      scope: [],
      error: 'denied',
    });
    expect(world.verified).toEqual([]);
    expect(done.messages.at(-1)?.content).toBe('The user said no.');
  });

  it('resuming with { approved: false } declines without waiting: an error ToolMessage, nothing written', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('OK, not added.'));
    const agent = agentFor(world, model);
    const config = thread('decline');
    onlyConsent(await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config));

    await agent.invoke(new Command({ resume: { approved: false } }), config);

    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(String(seen?.content)).toContain('the user declined the consent request');
    expect(seen?.artifact).toMatchObject({ reason: 'declined', resource: world.notes, scope: [NOTES_WRITE] });
    expect(world.verified).toEqual([]);
  });

  it('parallel tool calls in one turn share ONE consent: one Person Server request, one code, one resume', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([
        { name: 'add_note', args: { text: 'a' }, id: 'call_a' },
        { name: 'add_note', args: { text: 'b' }, id: 'call_b' },
        { name: 'read_notes', args: {}, id: 'call_read' },
      ])
      .respond(new AIMessage('Done.'));
    const agent = agentFor(world, model);
    const config = thread('parallel');

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'add a and b' }] }, config);

    // Each paused tool call raises its own interrupt (LangGraph runs them as separate tasks) ...
    const raw = first.__interrupt__ ?? [];
    expect(raw.map((i) => (i.value as AAuthInterruptValue).toolCallId).sort()).toEqual(['call_a', 'call_b']);
    // ... but they all wait on the same consent: one request at the Person Server, one code for the person.
    const consent = onlyConsent(first);
    expect(new Set(raw.map((i) => (i.value as AAuthInterruptValue).code))).toEqual(new Set([consent.code]));
    expect(world.authTokenRequests()).toBe(1);
    const asked = await world.dev.simulatedUser.next({ timeoutMs: 2000 });
    expect(asked.code).toBe(consent.code);
    await expect(world.dev.simulatedUser.next({ timeoutMs: 300 })).rejects.toThrow();
    // The read needed no consent and already ran.
    expect(world.verified.map((v) => v.method)).toEqual(['GET']);

    await world.dev.simulatedUser.approve(consent.code!);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    expect(world.authTokenRequests()).toBe(1);
    const seen = toolMessagesSeen(model, 1);
    expect(seen.map((m) => [m.tool_call_id, m.status])).toEqual([
      ['call_a', 'success'],
      ['call_b', 'success'],
      ['call_read', 'success'],
    ]);
    const writes = world.verified.filter((v) => v.method === 'POST');
    expect(writes).toHaveLength(2);
    // The read that finished before the pause is not run again by the resume.
    expect(world.verified.filter((v) => v.method === 'GET')).toHaveLength(1);
    expect(writes[0]?.jti).toBe(writes[1]?.jti);
  });

  it("in 'wait' mode the run does not pause: the person approves via onInteraction and one invoke completes", async () => {
    const shown: Interaction[] = [];
    world = await startWorld({
      onInteraction: async (interaction) => {
        shown.push(interaction);
        await world!.dev.simulatedUser.approve(interaction.code!);
      },
    });
    const model = fakeModel()
      .respondWithTools([
        { name: 'add_note', args: { text: 'a' }, id: 'call_a' },
        { name: 'add_note', args: { text: 'b' }, id: 'call_b' },
      ])
      .respond(new AIMessage('Added both.'));
    const agent = agentFor(world, model, 'wait');

    const done = await agent.invoke({ messages: [{ role: 'user', content: 'add a and b' }] }, thread('wait'));

    expect(done.__interrupt__).toBeUndefined();
    expect(shown).toHaveLength(1);
    expect(world.authTokenRequests()).toBe(1);
    expect(toolMessagesSeen(model, 1).map((m) => m.status)).toEqual(['success', 'success']);
    expect(world.verified.filter((v) => v.method === 'POST')).toHaveLength(2);
  });

  it('a resume value that is not { approved: boolean } fails the run (MiddlewareError caused by InvalidArgumentError)', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('never'));
    const agent = agentFor(world, model);
    const config = thread('bad-resume');
    onlyConsent(await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config));

    const error = await agent.invoke(new Command({ resume: 'yes please' }), config).catch((e: unknown) => e);

    // createAgent wraps whatever a middleware throws in its MiddlewareError, keeping ours as the cause.
    expect(error).toBeInstanceOf(MiddlewareError);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(InvalidArgumentError);
    expect((cause as Error).message).toContain('{ approved: boolean }');
    expect(world.verified).toEqual([]);
  });

  it('leaves other tool errors to LangChain: they fail the run unchanged, or become ToolMessages with toolErrorMiddleware', async () => {
    world = await startWorld();
    const failing = tool(
      async () => {
        throw new RangeError('boom');
      },
      { name: 'failing', description: 'fails', schema: z.object({}) },
    );
    const script = () =>
      fakeModel()
        .respondWithTools([{ name: 'failing', args: {}, id: 'call_f' }])
        .respond(new AIMessage('It failed.'));
    const bare = createAgent({
      model: script(),
      tools: [failing],
      middleware: [aauthMiddleware({ client: world.client })],
      checkpointer: new MemorySaver(),
    });
    await expect(bare.invoke({ messages: [{ role: 'user', content: 'go' }] }, thread('e1'))).rejects.toThrow(
      RangeError,
    );

    const model = script();
    const handled = createAgent({
      model,
      tools: [failing],
      middleware: [
        toolErrorMiddleware({ onError: (error) => `tool failed: ${(error as Error).message}` }),
        aauthMiddleware({ client: world.client }),
      ],
      checkpointer: new MemorySaver(),
    });
    await handled.invoke({ messages: [{ role: 'user', content: 'go' }] }, thread('e2'));
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(seen?.content).toBe('tool failed: boom');
  });

  it('consent interrupts go through toolErrorMiddleware untouched', async () => {
    world = await startWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('Added.'));
    const { readNotes, addNote } = notesTools(world.notes);
    const agent = createAgent({
      model,
      tools: [readNotes, addNote],
      middleware: [
        toolErrorMiddleware({ onError: (error) => `tool failed: ${(error as Error).message}` }),
        aauthMiddleware({ client: world.client }),
      ],
      checkpointer: new MemorySaver(),
    });
    const config = thread('with-error-mw');
    const consent = onlyConsent(
      await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config),
    );
    await world.dev.simulatedUser.approve(consent.code!);
    await agent.invoke(new Command({ resume: { approved: true } }), config);
    expect(toolMessagesSeen(model, 1)[0]?.content).toBe('200 {"notes":["buy milk","x"]}');
  });
});

describe("aauthMiddleware with a client created in the default 'wait' mode", () => {
  /** The world's client without the fixture's `consent: 'throw'`: what most apps create. */
  async function startDefaultWorld(options: Parameters<typeof startWorld>[0] = {}): Promise<World> {
    world = await startWorld({ ...options, consent: undefined });
    expect(world.client.consentMode).toBe('wait');
    return world;
  }

  it('interrupts with the link, its parts and the scope; approve → resume → the write reaches the resource and the model', async () => {
    const w = await startDefaultWorld();
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'call mom' }, id: 'call_add' }])
      .respond(new AIMessage('Added.'));
    const agent = agentFor(w, model);
    const config = thread('default-client');

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'Note: call mom' }] }, config);

    const asked = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    const consent = onlyConsent(first);
    expect(consent).toMatchObject({
      type: 'aauth.consent_required',
      kind: 'interaction',
      interactionUrl: asked.url,
      url: w.dev.urls.consent,
      code: asked.code,
      resource: w.notes,
      scope: [NOTES_WRITE],
      toolName: 'add_note',
      toolCallId: 'call_add',
    });
    expect(consent.interactionUrl).toBe(`${consent.url}?code=${encodeURIComponent(consent.code!)}`);
    // The view shares the client's state: the app's own client knows the pending consent.
    expect(w.client.pendingConsent(w.notes)?.id).toBe(consent.pendingId);
    expect(model.callCount).toBe(1);
    expect(w.verified).toEqual([]);

    await w.dev.simulatedUser.approve(asked.code);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    expect(toolMessagesSeen(model, 1)[0]?.content).toBe('200 {"notes":["buy milk","call mom"]}');
    expect(w.verified).toEqual([
      expect.objectContaining({
        method: 'POST',
        kind: 'auth',
        agentJkt: thumbprintOf(w),
        scope: [NOTES_WRITE],
        person: expect.objectContaining({ iss: w.dev.identifiers.personServer }),
      }),
    ]);
    expect(w.authTokenRequests()).toBe(1);
  });

  it('parallel tool calls in one turn share ONE consent', async () => {
    const w = await startDefaultWorld();
    const model = fakeModel()
      .respondWithTools([
        { name: 'add_note', args: { text: 'a' }, id: 'call_a' },
        { name: 'add_note', args: { text: 'b' }, id: 'call_b' },
      ])
      .respond(new AIMessage('Done.'));
    const agent = agentFor(w, model);
    const config = thread('default-parallel');

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'add a and b' }] }, config);

    const raw = first.__interrupt__ ?? [];
    expect(raw).toHaveLength(2);
    const consent = onlyConsent(first);
    expect(w.authTokenRequests()).toBe(1);
    await w.dev.simulatedUser.approve(consent.code!);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);
    expect(done.__interrupt__).toBeUndefined();
    expect(toolMessagesSeen(model, 1).map((m) => [m.tool_call_id, m.status])).toEqual([
      ['call_a', 'success'],
      ['call_b', 'success'],
    ]);
    expect(w.authTokenRequests()).toBe(1);
  });

  it("'wait' mode: a denial is an error ToolMessage naming the scope the person refused", async () => {
    const w = await startDefaultWorld({ onInteraction: (i) => world!.dev.simulatedUser.deny(i.code!) });
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_add' }])
      .respond(new AIMessage('The user said no.'));
    const agent = agentFor(w, model, 'wait');

    const done = await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, thread('d-wait'));

    expect(done.__interrupt__).toBeUndefined();
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(seen?.artifact).toEqual({
      type: 'aauth.consent_declined',
      reason: 'denied',
      resource: w.notes,
      scope: [NOTES_WRITE],
      error: 'denied',
    });
    expect(w.verified).toEqual([]);
  });
});
