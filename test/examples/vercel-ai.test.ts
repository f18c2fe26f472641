import { describe, expect, it } from 'vitest';
import { main } from '../../examples/vercel-ai/index.js';

describe('examples/vercel-ai', () => {
  it.each(['stream', 'approval'] as const)(
    '%s mode: reads at once, pauses the write for consent, completes after the simulated person approves',
    async (mode) => {
      const lines: string[] = [];
      const result = await main({ mode, log: (line) => lines.push(line), interactive: false });

      // One consent, for the write scope, with a link carrying its code.
      expect(result.consents).toHaveLength(1);
      const [consent] = result.consents;
      expect(consent).toMatchObject({ type: 'aauth.consent_required', scope: ['documents.write'] });
      expect(consent?.interactionUrl).toBe(`${consent?.url}?code=${encodeURIComponent(consent!.code!)}`);
      expect(lines).toContain(
        `consent needed for ${consent?.resource} (documents.write): ${consent?.interactionUrl}`,
      );

      // The read went through with the agent token; the model was given the documents.
      expect(result.listed).toMatchObject({
        documents: expect.arrayContaining([{ id: '1', title: 'Quarterly report' }]),
      });
      // The write reached the resource after approval; the resource stored it for the person.
      const written = result.written as {
        status: number;
        body: { id: string; document_id: string; summary: string };
      };
      expect(written.status).toBe(201);
      expect(written.body.document_id).toBe('1');
      expect(result.summaries).toEqual([{ id: written.body.id, text: written.body.summary }]);
      expect(result.answer).toBe('Your documents are listed and document 1 now has a summary.');
    },
  );
});
