/**
 * The same adapter under AI SDK 7 (`ai7` = ai@7, MockLanguageModelV4): wait and stream modes,
 * approval through `toolApproval: aauthToolApproval()` (the request's `reason` carries the consent
 * URL) and through the deprecated tool-level `needsApproval`, and `withAAuth` around a v7 `tool()`.
 */
import { generateText, type ModelMessage, stepCountIs, streamText, tool } from 'ai7';
import { MockLanguageModelV4 } from 'ai7/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { streamedText, streamedToolCalls, text, toolCalls, toolResultsIn } from './__fixtures__/model.js';
import { decideNext, noFurtherConsent } from './__fixtures__/person.js';
import { noteTools } from './__fixtures__/tools.js';
import { NOTES_WRITE, startWorld, type World } from './__fixtures__/world.js';
import { isAAuthConsentRequired } from './consent.js';
import { aauthFetch } from './fetch.js';
import { aauthConsentFor, aauthToolApproval } from './tool-approval.js';
import { withAAuth } from './wrap.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

const stopWhen = stepCountIs(4);

type Content = Awaited<ReturnType<typeof generateText>>['content'];

function approvalRequests(content: Content) {
  return content.flatMap((part) => (part.type === 'tool-approval-request' ? [part] : []));
}

function approve(approvalIds: string[]): ModelMessage {
  return {
    role: 'tool',
    content: approvalIds.map((approvalId) => ({
      type: 'tool-approval-response' as const,
      approvalId,
      approved: true,
    })),
  };
}

describe('ai 7: wait and stream modes', () => {
  it('signs the read and the consented write; the resource verifies both; results reach the model', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [
        toolCalls({ id: 'r1', tool: 'listNotes', input: {} }),
        toolCalls({ id: 'w1', tool: 'addNote', input: { text: 'seven' } }),
        text('Done.'),
      ],
    });
    const person = decideNext(world, 'approve');
    const result = await generateText({ model, tools: noteTools(world), prompt: 'list then add', stopWhen });
    await person;

    expect(result.text).toBe('Done.');
    expect(world.notes.seen.map(({ method, kind, scope }) => ({ method, kind, scope }))).toEqual([
      { method: 'GET', kind: 'agent', scope: [] },
      { method: 'POST', kind: 'auth', scope: [NOTES_WRITE] },
    ]);
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'r1', output: { type: 'json', value: { notes: [] } } },
    ]);
    expect(toolResultsIn(model.doGenerateCalls[2]!.prompt)).toContainEqual({
      toolCallId: 'w1',
      output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'seven' } } },
    });
  });

  it('stream mode: a preliminary result carries the consent URL; approval lets the final result through', async () => {
    const model = new MockLanguageModelV4({
      doStream: [
        streamedToolCalls({ id: 's1', tool: 'addNote', input: { text: 'live' } }),
        streamedText('ok'),
      ],
    });
    const result = streamText({
      model,
      tools: noteTools(world, { mode: 'stream' }),
      prompt: 'live',
      stopWhen,
    });
    const outputs: unknown[] = [];
    for await (const part of result.fullStream) {
      if (part.type !== 'tool-result') continue;
      outputs.push(part.output);
      if (isAAuthConsentRequired(part.output)) {
        const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });
        expect(part.output.interactionUrl).toBe(interaction.url);
        await world.dev.simulatedUser.approve(interaction.code);
      }
    }

    expect(outputs[0]).toEqual(
      expect.objectContaining({ type: 'aauth.consent_required', scope: [NOTES_WRITE] }),
    );
    expect(outputs.at(-1)).toEqual({ status: 201, note: { id: 'n1', text: 'live' } });
    expect(toolResultsIn(model.doStreamCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 's1',
        output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'live' } } },
      },
    ]);
  });

  it('a denied consent is a tool error the model reads', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [toolCalls({ id: 'd1', tool: 'addNote', input: { text: 'nope' } }), text('Declined.')],
    });
    const person = decideNext(world, 'deny');
    await generateText({ model, tools: noteTools(world), prompt: 'nope', stopWhen });
    await person;

    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'd1',
        output: { type: 'error-text', value: expect.stringContaining('the person denied the request') },
      },
    ]);
    expect(world.notes.notes).toEqual([]);
  });

  it('parallel calls in one step need one consent', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [
        toolCalls(
          { id: 'p1', tool: 'addNote', input: { text: 'x' } },
          { id: 'p2', tool: 'addNote', input: { text: 'y' } },
        ),
        text('Both.'),
      ],
    });
    const person = decideNext(world, 'approve');
    await generateText({ model, tools: noteTools(world), prompt: 'x and y', stopWhen });
    await person;

    expect(await noFurtherConsent(world)).toBe(true);
    expect(world.notes.notes.map((note) => note.text).sort()).toEqual(['x', 'y']);
  });
});

describe('ai 7: approval mode', () => {
  it('toolApproval: the approval request carries the consent URL; approving runs the tool', async () => {
    const tools = noteTools(world, { mode: 'approval' });
    const model = new MockLanguageModelV4({
      doGenerate: [toolCalls({ id: 'a1', tool: 'addNote', input: { text: 'approved' } }), text('Saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: approved' }];
    const options = { model, tools, stopWhen, toolApproval: aauthToolApproval() };

    const first = await generateText({ ...options, messages });
    const [request] = approvalRequests(first.content);
    const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });
    expect(request?.reason).toContain(interaction.url);
    expect(aauthConsentFor(tools, request!)?.code).toBe(interaction.code);
    expect(world.notes.notes).toEqual([]);

    await world.dev.simulatedUser.approve(interaction.code);
    messages.push(...first.responseMessages, approve([request!.approvalId]));
    const second = await generateText({ ...options, messages });

    expect(second.text).toBe('Saved.');
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'a1',
        output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'approved' } } },
      },
    ]);
    expect(world.notes.seen.filter((seen) => seen.kind === 'auth')).toHaveLength(1);
  });

  it('the tool-level needsApproval still works in 7 when toolApproval is not given', async () => {
    const tools = noteTools(world, { mode: 'approval' });
    const model = new MockLanguageModelV4({
      doGenerate: [toolCalls({ id: 'a2', tool: 'addNote', input: { text: 'legacy' } }), text('Saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: legacy' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const [request] = approvalRequests(first.content);
    expect(request?.toolCall.toolCallId).toBe('a2');
    await decideNext(world, 'approve');

    messages.push(...first.responseMessages, approve([request!.approvalId]));
    await generateText({ model, tools, messages, stopWhen });
    expect(world.notes.notes).toEqual([{ id: 'n1', text: 'legacy' }]);
  });

  it('toolApproval: a call that needs no consent runs without an approval request', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [toolCalls({ id: 'a3', tool: 'listNotes', input: {} }), text('Empty.')],
    });
    const result = await generateText({
      model,
      tools: noteTools(world, { mode: 'approval' }),
      prompt: 'list',
      stopWhen,
      toolApproval: aauthToolApproval(),
    });
    expect(approvalRequests(result.content)).toEqual([]);
    expect(world.notes.seen).toHaveLength(1);
  });

  it('parallel calls: one consent behind both approval requests', async () => {
    const tools = noteTools(world, { mode: 'approval' });
    const model = new MockLanguageModelV4({
      doGenerate: [
        toolCalls(
          { id: 'b1', tool: 'addNote', input: { text: 'one' } },
          { id: 'b2', tool: 'addNote', input: { text: 'two' } },
        ),
        text('Both.'),
      ],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'two' }];
    const options = { model, tools, stopWhen, toolApproval: aauthToolApproval() };
    const first = await generateText({ ...options, messages });
    const requests = approvalRequests(first.content);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.reason).toBe(requests[1]!.reason);

    await decideNext(world, 'approve');
    expect(await noFurtherConsent(world)).toBe(true);
    messages.push(...first.responseMessages, approve(requests.map((request) => request.approvalId)));
    await generateText({ ...options, messages });
    expect(world.notes.notes.map((note) => note.text).sort()).toEqual(['one', 'two']);
  });

  it('other tools keep their own needsApproval, or follow the fallback', async () => {
    const plain = tool({
      inputSchema: z.object({}),
      needsApproval: true,
      execute: async () => 'ran',
    });
    const decide = aauthToolApproval();
    const request = {
      toolCall: { toolCallId: 'x1', toolName: 'plain', input: {} },
      tools: { plain },
      messages: [],
    };
    expect(await decide(request)).toBe('user-approval');
    expect(await decide({ ...request, tools: { plain: { ...plain, needsApproval: false } } })).toBe(
      'not-applicable',
    );
    expect(await aauthToolApproval(() => 'denied')(request)).toBe('denied');
  });
});

describe('ai 7: withAAuth around a tool() built with the SDK', () => {
  it('the body signs through aauthFetch; consent is handled by the wrapper', async () => {
    const url = `${world.notes.origin}/notes`;
    const addNote = withAAuth(
      tool({
        inputSchema: z.object({ text: z.string() }),
        execute: async ({ text }) => {
          const response = await aauthFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text }),
          });
          return (await response.json()) as { id: string; text: string };
        },
      }),
      { client: world.client },
    );
    const model = new MockLanguageModelV4({
      doGenerate: [toolCalls({ id: 'w1', tool: 'addNote', input: { text: 'wrapped' } }), text('Saved.')],
    });
    const person = decideNext(world, 'approve');
    await generateText({ model, tools: { addNote }, prompt: 'wrapped', stopWhen });
    await person;

    expect(world.notes.seen).toEqual([expect.objectContaining({ method: 'POST', kind: 'auth' })]);
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'w1', output: { type: 'json', value: { id: 'n1', text: 'wrapped' } } },
    ]);
  });
});

describe('ai 7: withAAuth in stream mode', () => {
  it('stays a v7 tool (type-checked in a v7 tool set) and streams the consent before the result', async () => {
    const url = `${world.notes.origin}/notes`;
    const addNote = withAAuth(
      tool({
        inputSchema: z.object({ text: z.string() }),
        execute: async ({ text }, options) => {
          const { fetch } = options as typeof options & { fetch: typeof aauthFetch };
          const response = await fetch(url, { method: 'POST', body: JSON.stringify({ text }) });
          return (await response.json()) as { id: string; text: string };
        },
      }),
      { client: world.client, mode: 'stream' },
    );
    const model = new MockLanguageModelV4({
      doStream: [streamedToolCalls({ id: 'ws1', tool: 'addNote', input: { text: 'w' } }), streamedText('ok')],
    });
    const result = streamText({ model, tools: { addNote }, prompt: 'w', stopWhen });
    const outputs: unknown[] = [];
    for await (const part of result.fullStream) {
      if (part.type !== 'tool-result' || part.dynamic === true || part.toolName !== 'addNote') continue;
      // Preliminary outputs may be consent updates whatever the tool's declared output type says.
      const output: unknown = part.output;
      outputs.push(output);
      if (isAAuthConsentRequired(output)) await world.dev.simulatedUser.approve(output.code!);
    }
    expect(outputs[0]).toEqual(expect.objectContaining({ type: 'aauth.consent_required' }));
    expect(outputs.at(-1)).toEqual({ id: 'n1', text: 'w' });
  });
});
