/**
 * Approval mode with AI SDK 6 (`needsApproval` → `tool-approval-request`, resumed with a
 * `tool-approval-response`): the call runs when the SDK asks whether it needs approval, stops on the
 * consent, and after approval polls the remembered consent instead of asking the person again.
 */
import { generateText, type ModelMessage, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { text, toolCalls, toolResultsIn } from './__fixtures__/model.js';
import { decideNext, noFurtherConsent } from './__fixtures__/person.js';
import { noteTools } from './__fixtures__/tools.js';
import { NOTES_WRITE, startWorld, type World } from './__fixtures__/world.js';
import { isApprovalResume } from './approval.js';
import { aauthConsentFor } from './tool-approval.js';
import type { AAuthConsentRequired } from './types.js';

let world: World;
let steps: string[];
beforeEach(async () => {
  world = await startWorld();
  steps = [];
});
afterEach(async () => {
  await world.close();
});

const stopWhen = stepCountIs(4);

function approvalTools(consents?: AAuthConsentRequired[]) {
  const client = world.newClient({
    onEvent: (event) => {
      if (event.phase === 'request') steps.push(event.step);
    },
  });
  return noteTools(world, { mode: 'approval', client, ...(consents === undefined ? {} : { consents }) });
}

type Content = Awaited<ReturnType<typeof generateText>>['content'];

function approvalRequests(content: Content) {
  return content.flatMap((part) => (part.type === 'tool-approval-request' ? [part] : []));
}

/** One tool message answering approval requests (the SDK reads the answers from the last message). */
function answer(approvalIds: string | string[], approved: boolean): ModelMessage {
  const ids = typeof approvalIds === 'string' ? [approvalIds] : approvalIds;
  return {
    role: 'tool',
    content: ids.map((approvalId) => ({ type: 'tool-approval-response' as const, approvalId, approved })),
  };
}

describe('approval mode (ai 6)', () => {
  it('asks for approval with the consent URL; once approved the tool runs and the model gets its result', async () => {
    const consents: AAuthConsentRequired[] = [];
    const tools = approvalTools(consents);
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'approved' } }), text('Saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: approved' }];

    const first = await generateText({ model, tools, messages, stopWhen });
    const [request] = approvalRequests(first.content);
    expect(request?.toolCall.toolCallId).toBe('c1');
    expect(model.doGenerateCalls).toHaveLength(1);
    const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });
    expect(aauthConsentFor(tools, request!)).toEqual(
      expect.objectContaining({
        interactionUrl: interaction.url,
        code: interaction.code,
        scope: [NOTES_WRITE],
      }),
    );
    expect(consents.map((consent) => consent.code)).toEqual([interaction.code]);
    expect(world.notes.notes).toEqual([]);

    await world.dev.simulatedUser.approve(interaction.code);
    messages.push(...first.response.messages, answer(request!.approvalId, true));
    const second = await generateText({ model, tools, messages, stopWhen });

    expect(second.text).toBe('Saved.');
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'c1',
        output: { type: 'json', value: { status: 201, note: { id: 'n1', text: 'approved' } } },
      },
    ]);
    expect(world.notes.seen.filter((seen) => seen.kind === 'auth')).toEqual([
      expect.objectContaining({ method: 'POST', scope: [NOTES_WRITE] }),
    ]);
    // The remembered consent was polled: the Person Server was asked for a token once.
    expect(steps.filter((step) => step === 'auth-token')).toHaveLength(1);
    expect(steps).toContain('poll');
    expect(await noFurtherConsent(world)).toBe(true);
  });

  it('runs a call that needs no consent at once, without an approval request, and only once', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'listNotes', input: {} }), text('Nothing.')],
    });
    const result = await generateText({ model, tools: approvalTools(), prompt: 'list', stopWhen });

    expect(approvalRequests(result.content)).toEqual([]);
    expect(result.text).toBe('Nothing.');
    expect(world.notes.seen).toEqual([expect.objectContaining({ method: 'GET', kind: 'agent' })]);
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: { type: 'json', value: { notes: [] } } },
    ]);
  });

  it('approved in the app but denied by the person: the model reads a tool error', async () => {
    const tools = approvalTools();
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'no' } }), text('Declined.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: no' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const [request] = approvalRequests(first.content);
    await decideNext(world, 'deny');

    messages.push(...first.response.messages, answer(request!.approvalId, true));
    await generateText({ model, tools, messages, stopWhen });

    const [result] = toolResultsIn(model.doGenerateCalls[1]!.prompt);
    expect(result).toEqual({
      toolCallId: 'c1',
      output: { type: 'error-text', value: expect.stringContaining('the person denied the request') },
    });
    expect(world.notes.notes).toEqual([]);
  });

  it('declined in the app: the SDK reports execution-denied and nothing is written', async () => {
    const tools = approvalTools();
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'no' } }), text('OK, not saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: no' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const [request] = approvalRequests(first.content);

    messages.push(...first.response.messages, answer(request!.approvalId, false));
    await generateText({ model, tools, messages, stopWhen });

    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: expect.objectContaining({ type: 'execution-denied' }) },
    ]);
    expect(world.notes.seen.filter((seen) => seen.kind === 'auth')).toEqual([]);
  });

  it('parallel calls: two approval requests naming one consent; one decision completes both', async () => {
    const tools = approvalTools();
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls(
          { id: 'c1', tool: 'addNote', input: { text: 'first' } },
          { id: 'c2', tool: 'addNote', input: { text: 'second' } },
        ),
        text('Both saved.'),
      ],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'two notes' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const requests = approvalRequests(first.content);
    expect(requests.map((request) => request.toolCall.toolCallId)).toEqual(['c1', 'c2']);
    const [one, two] = requests.map((request) => aauthConsentFor(tools, request));
    expect(one?.pendingId).toBeDefined();
    expect(two?.pendingId).toBe(one?.pendingId);

    const interaction = await decideNext(world, 'approve');
    expect(interaction.code).toBe(one?.code);
    expect(await noFurtherConsent(world)).toBe(true);
    messages.push(
      ...first.response.messages,
      answer(
        requests.map((request) => request.approvalId),
        true,
      ),
    );
    await generateText({ model, tools, messages, stopWhen });

    expect(
      toolResultsIn(model.doGenerateCalls[1]!.prompt)
        .map((result) => result.toolCallId)
        .sort(),
    ).toEqual(['c1', 'c2']);
    expect(world.notes.notes.map((note) => note.text).sort()).toEqual(['first', 'second']);
    expect(steps.filter((step) => step === 'auth-token')).toHaveLength(1);
  });

  it('after approval, a call whose consent is still open waits for the person', async () => {
    const tools = approvalTools();
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'later' } }), text('Saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: later' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const [request] = approvalRequests(first.content);

    messages.push(...first.response.messages, answer(request!.approvalId, true));
    const person = decideNext(world, 'approve');
    const second = await generateText({ model, tools, messages, stopWhen });
    await person;

    expect(second.text).toBe('Saved.');
    expect(world.notes.notes).toEqual([{ id: 'n1', text: 'later' }]);
  });
});

describe('isApprovalResume', () => {
  const request = {
    role: 'assistant',
    content: [{ type: 'tool-approval-request', approvalId: 'a1', toolCallId: 'c1' }],
  };
  const response = {
    role: 'tool',
    content: [{ type: 'tool-approval-response', approvalId: 'a1', approved: true }],
  };

  it('is true when the last message answers an approval request for the call', () => {
    expect(isApprovalResume([{ role: 'user', content: 'x' }, request, response], 'c1')).toBe(true);
  });

  it('is false for another call, an unanswered request, or a conversation that moved on', () => {
    expect(isApprovalResume([request, response], 'c2')).toBe(false);
    expect(isApprovalResume([request], 'c1')).toBe(false);
    expect(isApprovalResume([request, response, { role: 'user', content: 'next' }], 'c1')).toBe(false);
    expect(isApprovalResume([], 'c1')).toBe(false);
    expect(isApprovalResume([null, 'junk', { role: 'tool', content: 'text' }], 'c1')).toBe(false);
  });
});
