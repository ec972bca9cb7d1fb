import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { PersonalDataAnswer } from '../api/types';
import { useSession } from '../session';
import { ReasonDialog } from './reason-dialog';

/**
 * "Show personal data": asks why, then shows the entity's unmasked email, phone and name (each
 * reveal is audited with the reason). Only for users whose session has the revealPersonalData
 * permission; the API answers 403 to anyone else. The values live in this component's state only:
 * they are not cached, and leaving the page forgets them.
 */
export function PersonalDataReveal({ type, entityKey }: { type: string; entityKey: string }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const reveal = useMutation({
    mutationFn: (reason: string) => api<PersonalDataAnswer>('POST', `/api/entities/${encodeURIComponent(type)}/${encodeURIComponent(entityKey)}/reveal`, { reason }),
    onSuccess: () => setOpen(false),
    // Dropped from the mutation cache as soon as the page unmounts: the values are kept nowhere else.
    gcTime: 0,
  });
  if (!session.permissions?.revealPersonalData) return null;
  const shown = reveal.data?.personalData;
  return (
    <div className="personal-data">
      {shown ? (
        <>
          <dl className="facts" aria-label="Personal data">
            <dt>Name</dt>
            <dd>{shown.name ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{shown.email ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{shown.phone ?? '—'}</dd>
          </dl>
          <button type="button" onClick={() => reveal.reset()}>
            Hide personal data
          </button>
        </>
      ) : (
        <button
          type="button"
          disabled={reveal.isPending}
          onClick={() => {
            reveal.reset();
            setOpen(true);
          }}
        >
          Show personal data
        </button>
      )}
      {open ? (
        <ReasonDialog
          title="Show personal data"
          description="The customer's name, email and phone are shown unmasked. Who looked, and why, is kept in the audit trail."
          confirmLabel="Show personal data"
          pending={reveal.isPending}
          error={reveal.error ? reveal.error.message : null}
          onConfirm={(reason) => {
            if (!reveal.isPending) reveal.mutate(reason);
          }}
          onClose={() => {
            if (!reveal.isPending) setOpen(false);
          }}
        />
      ) : null}
    </div>
  );
}
