import {
  ConfigurationError,
  ConsentDeniedError,
  ConsentRequiredError,
  type Interaction,
} from '@aauth-kit/core';
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { DynamicStructuredTool, StructuredTool, tool } from '@langchain/core/tools';
import { Command, END, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import { createAgent } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NOTES_WRITE, notesTools, startWorld, thumbprintOf, type World } from './__fixtures__/world.js';
import { getAAuthInterrupts } from './interrupt-value.js';
import { aauthFetch } from './scope.js';
import { withAAuth } from './with-aauth.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const thread = (id: string) => ({ configurable: { thread_id: id } });

function toolMessagesSeen(model: ReturnType<typeof fakeModel>, call: number): ToolMessage[] {
  const messages = (model.calls[call]?.messages ?? []) as BaseMessage[];
  return messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
}

describe('withAAuth', () => {
  it('keeps the tool as the model and the agent see it: same class, name, description, schema', async () => {
    world = await startWorld();
    const { addNote } = notesTools(world.notes);
    const wrapped = withAAuth(addNote, { client: world.client });
    expect(wrapped).toBeInstanceOf(DynamicStructuredTool);
    expect(wrapped.name).toBe('add_note');
    expect(wrapped.description).toBe('Add a note');
    expect(wrapped.schema).toBe(addNote.schema);
    expect(wrapped.returnDirect).toBe(false);
    // The original tool is left as it was: outside a scope its aauthFetch refuses to send unsigned.
    await expect(addNote.invoke({ text: 'x' })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('in createAgent: the write pauses, approval resumes it, the model reads the result', async () => {
    world = await startWorld();
    const { addNote } = notesTools(world.notes);
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'tea' }, id: 'call_1' }])
      .respond(new AIMessage('Added tea.'));
    const agent = createAgent({
      model,
      tools: [withAAuth(addNote, { client: world.client })],
      checkpointer: new MemorySaver(),
    });
    const config = thread('agent');

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'add tea' }] }, config);
    const [consent] = getAAuthInterrupts(first.__interrupt__);
    const asked = await world.dev.simulatedUser.next({ timeoutMs: 2000 });
    expect(consent).toMatchObject({
      interactionUrl: asked.url,
      url: world.dev.urls.consent,
      code: asked.code,
      toolName: 'add_note',
      toolCallId: 'call_1',
    });

    await world.dev.simulatedUser.approve(asked.code);
    await agent.invoke(new Command({ resume: { approved: true } }), config);

    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.content).toBe('200 {"notes":["buy milk","tea"]}');
    expect(world.verified).toEqual([
      expect.objectContaining({
        method: 'POST',
        kind: 'auth',
        scope: [NOTES_WRITE],
        agentJkt: thumbprintOf(world),
      }),
    ]);
  });

  it("in a hand-built StateGraph with LangGraph's prebuilt ToolNode: deny → the model reads an error ToolMessage", async () => {
    world = await startWorld();
    const { addNote } = notesTools(world.notes);
    const tools = [withAAuth(addNote, { client: world.client })];
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_1' }])
      .respond(new AIMessage('Not added.'));
    const bound = model.bindTools(tools);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('agent', async (state) => ({ messages: [await bound.invoke(state.messages)] }))
      .addNode('tools', new ToolNode(tools))
      .addEdge(START, 'agent')
      .addConditionalEdges('agent', toolsCondition, ['tools', END])
      .addEdge('tools', 'agent')
      .compile({ checkpointer: new MemorySaver() });
    const config = thread('graph');

    await graph.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config);
    // A hand-built graph exposes the pause through getState(): its tasks' interrupts.
    const paused = await graph.getState(config);
    expect(paused.next).toEqual(['tools']);
    const [consent] = getAAuthInterrupts(paused.tasks.flatMap((task) => task.interrupts));
    expect(consent?.scope).toEqual([NOTES_WRITE]);

    await world.dev.simulatedUser.deny(consent!.code!);
    const done = await graph.invoke(new Command({ resume: { approved: true } }), config);

    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(seen?.tool_call_id).toBe('call_1');
    expect(String(seen?.content)).toContain('was denied (denied)');
    expect(done.messages.at(-1)?.content).toBe('Not added.');
    expect(world.verified).toEqual([]);
  });

  it('wraps a StructuredTool subclass and keeps a content_and_artifact response format', async () => {
    world = await startWorld();
    const notes = world.notes;
    class ReadNotes extends StructuredTool {
      name = 'read_notes';
      description = 'Read the notes';
      schema = z.object({});
      override responseFormat = 'content_and_artifact' as const;
      protected async _call(): Promise<[string, unknown]> {
        const response = await aauthFetch(`${notes}/notes`);
        const body = (await response.json()) as { notes: string[] };
        return [body.notes.join(', '), body];
      }
    }
    const wrapped = withAAuth(new ReadNotes(), { client: world.client });
    const message = await wrapped.invoke({ name: 'read_notes', args: {}, id: 'call_9', type: 'tool_call' });
    expect(ToolMessage.isInstance(message)).toBe(true);
    expect((message as ToolMessage).content).toBe('buy milk');
    expect((message as ToolMessage).artifact).toEqual({ notes: ['buy milk'] });
    expect((message as ToolMessage).tool_call_id).toBe('call_9');
    expect(world.verified).toHaveLength(1);
  });

  it('invoked by hand outside a graph in interrupt mode: ConfigurationError whose cause carries the consent', async () => {
    world = await startWorld();
    const { addNote } = notesTools(world.notes);
    const error = await withAAuth(addNote, { client: world.client })
      .invoke({ text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("consent: 'wait'");
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(ConsentRequiredError);
    expect((cause as ConsentRequiredError).interaction.resource).toBe(world.notes);
  });

  it("in 'wait' mode blocks until the person approves (URL through the client's onInteraction)", async () => {
    const shown: Interaction[] = [];
    world = await startWorld({
      onInteraction: async (interaction) => {
        shown.push(interaction);
        await world!.dev.simulatedUser.approve(interaction.code!);
      },
    });
    const { addNote } = notesTools(world.notes);
    const wrapped = withAAuth(addNote, { client: world.client, consent: 'wait' });
    const result = await wrapped.invoke({ text: 'soup' });
    expect(result).toBe('200 {"notes":["buy milk","soup"]}');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ resource: world.notes, scope: [NOTES_WRITE] });
    expect(world.verified).toEqual([expect.objectContaining({ method: 'POST', kind: 'auth' })]);
  });

  it("in 'wait' mode a denial answers the tool call with an error ToolMessage, and a plain call with the typed error", async () => {
    world = await startWorld({ onInteraction: (i) => world!.dev.simulatedUser.deny(i.code!) });
    const { addNote } = notesTools(world.notes);
    const wrapped = withAAuth(addNote, { client: world.client, consent: 'wait' });
    const message = await wrapped.invoke({
      name: 'add_note',
      args: { text: 'x' },
      id: 'call_2',
      type: 'tool_call',
    });
    expect(ToolMessage.isInstance(message)).toBe(true);
    expect((message as ToolMessage).status).toBe('error');
    expect((message as ToolMessage).artifact).toMatchObject({ reason: 'denied', scope: [NOTES_WRITE] });

    const error = await wrapped.invoke({ text: 'y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeniedError);
    expect((error as ConsentDeniedError).error).toBe('denied');
  });

  it("with a client created in consent: 'wait' the adapter does the waiting; the tool just gets its result", async () => {
    world = await startWorld({
      consent: 'wait',
      onInteraction: (i) => world!.dev.simulatedUser.approve(i.code!),
    });
    const { addNote } = notesTools(world.notes);
    const result = await withAAuth(addNote, { client: world.client, consent: 'wait' }).invoke({
      text: 'jam',
    });
    expect(result).toBe('200 {"notes":["buy milk","jam"]}');
  });

  it('a custom declinedMessage is what the model reads', async () => {
    world = await startWorld();
    const { addNote } = notesTools(world.notes);
    const model = fakeModel()
      .respondWithTools([{ name: 'add_note', args: { text: 'x' }, id: 'call_1' }])
      .respond(new AIMessage('ok'));
    const agent = createAgent({
      model,
      tools: [
        withAAuth(addNote, {
          client: world.client,
          declinedMessage: (d) => `NO ACCESS ${d.reason} ${d.scope.join(',')}`,
        }),
      ],
      checkpointer: new MemorySaver(),
    });
    const config = thread('custom');
    await agent.invoke({ messages: [{ role: 'user', content: 'add x' }] }, config);
    await agent.invoke(new Command({ resume: { approved: false } }), config);
    expect(toolMessagesSeen(model, 1)[0]?.content).toBe(`NO ACCESS declined ${NOTES_WRITE}`);
  });

  it('tool errors that are not about consent pass through unchanged', async () => {
    world = await startWorld();
    const failing = tool(
      async () => {
        throw new RangeError('boom');
      },
      { name: 'failing', description: 'fails', schema: z.object({}) },
    );
    await expect(withAAuth(failing, { client: world.client }).invoke({})).rejects.toThrow(RangeError);
  });

  it('refuses what is not a tool, and options without a usable client or mode', () => {
    const fakeClient = {
      fetch: async () => new Response(),
      pendingConsent: () => undefined,
      waitForConsent: async () => '',
      withConsent: () => fakeClient,
    };
    const someTool = tool(async () => 'x', { name: 't', description: 'd', schema: z.object({}) });
    expect(() => withAAuth(someTool, { client: fakeClient as never })).not.toThrow();
    const { withConsent: _, ...withoutViews } = fakeClient;
    expect(() => withAAuth(someTool, { client: withoutViews as never })).toThrow(/must be an AAuthClient/);
    expect(() => withAAuth({} as typeof someTool, { client: fakeClient as never })).toThrow(
      ConfigurationError,
    );
    expect(() => withAAuth(someTool, { client: {} as never })).toThrow(ConfigurationError);
    expect(() => withAAuth(someTool, { client: fakeClient as never, consent: 'later' as never })).toThrow(
      ConfigurationError,
    );
    expect(() => withAAuth(someTool, { client: fakeClient as never, resource: 'not a url' })).toThrow(
      ConfigurationError,
    );
  });
});
