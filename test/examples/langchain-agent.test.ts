import { describe, expect, it } from 'vitest';
import { main } from '../../examples/langchain-agent/index.js';

describe('examples/langchain-agent', () => {
  it('reads at once, pauses the write for consent, and completes after the simulated person approves', async () => {
    const lines: string[] = [];
    const result = await main({ log: (line) => lines.push(line), interactive: false });

    // One consent, for the write scope, with a URL carrying its code.
    expect(result.consents).toHaveLength(1);
    const [consent] = result.consents;
    expect(consent).toMatchObject({ type: 'aauth.consent_required', scope: ['documents.write'] });
    expect(consent?.interactionUrl).toBe(`${consent?.url}?code=${encodeURIComponent(consent!.code!)}`);
    expect(lines).toContain(
      `consent needed for ${consent?.resource} (documents.write): ${consent?.interactionUrl}`,
    );

    // The read went through with the agent token; the model was given the documents.
    expect(JSON.parse(result.listed)).toMatchObject({
      documents: expect.arrayContaining([{ id: '1', title: 'Quarterly report' }]),
    });
    // The write reached the resource after approval; the resource stored it for the person.
    expect(result.written).toMatch(/^201 /);
    const created = JSON.parse(result.written.slice(4)) as {
      id: string;
      document_id: string;
      summary: string;
    };
    expect(created.document_id).toBe('1');
    expect(result.summaries).toEqual([{ id: created.id, text: created.summary }]);
    expect(result.answer).toBe('Your documents are listed and document 1 now has a summary.');
  });
});
