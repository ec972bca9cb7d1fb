/** What the CRM workflows need from any CRM; every write is an upsert by our own external id. */
export interface CrmGateway {
  upsertDeal(deal: { externalId: string; name: string; pipeline: string; stage: string; amount?: number; currency?: string; owner?: string; properties?: Record<string, string> }): Promise<string>;
  upsertContact(contact: { phone?: string; email?: string; name?: string; properties?: Record<string, string> }): Promise<string>;
  addNote(note: { noteId: string; body: string; deal?: { externalId: string }; contact?: { phone?: string; email?: string } }): Promise<string>;
}
