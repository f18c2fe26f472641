/** The sample resource's data: a few documents and the summaries agents create for them. */
export interface SampleDocument {
  id: string;
  title: string;
  body: string;
}

export interface DocumentSummary {
  id: string;
  documentId: string;
  text: string;
  /** The person the summary was made for: (`ps`, `sub`) of the auth token. */
  person: { iss: string; sub: string };
  createdAt: number;
}

export const SAMPLE_DOCUMENTS: readonly SampleDocument[] = Object.freeze([
  {
    id: '1',
    title: 'Quarterly report',
    body: 'Revenue grew 12% over the quarter. Costs stayed flat. The team shipped the new onboarding flow.',
  },
  {
    id: '2',
    title: 'Offsite notes',
    body: 'We agreed to simplify the release process. Next offsite in spring. Action items are in the tracker.',
  },
  {
    id: '3',
    title: 'Onboarding checklist',
    body: 'Get a laptop. Read the handbook. Meet your buddy. Ship a small change in the first week.',
  },
]);

/** A deterministic "summary": the first sentence of the document. */
export function summarize(document: SampleDocument): string {
  const end = document.body.indexOf('. ');
  return end === -1 ? document.body : document.body.slice(0, end + 1);
}
