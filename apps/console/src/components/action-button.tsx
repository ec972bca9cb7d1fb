import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { mayAct, useSession } from '../session';
import { ReasonDialog } from './reason-dialog';

export interface ActionButtonProps {
  label: string;
  /** The dialog's heading and what the action does. */
  title: string;
  description?: ReactNode;
  /** Extra fields inside the dialog. */
  fields?: ReactNode;
  /** Runs the request with the reason the person gave. */
  run(reason: string): Promise<unknown>;
  className?: string;
}

/**
 * A button that asks for a reason, then runs one write. Absent for viewers (the API would answer
 * 403 anyway); disabled while its request is in flight, so a double click sends one request.
 */
export function ActionButton({ label, title, description, fields, run, className }: ActionButtonProps) {
  const { user } = useSession();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: async () => {
      setOpen(false);
      await client.invalidateQueries();
    },
  });
  if (!mayAct(user.role)) return null;
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={mutation.isPending}
        onClick={() => {
          mutation.reset();
          setOpen(true);
        }}
      >
        {label}
      </button>
      {open ? (
        <ReasonDialog
          title={title}
          description={description}
          confirmLabel={label}
          pending={mutation.isPending}
          error={mutation.error ? mutation.error.message : null}
          onConfirm={(reason) => {
            if (!mutation.isPending) mutation.mutate(reason);
          }}
          onClose={() => {
            if (!mutation.isPending) setOpen(false);
          }}
        >
          {fields}
        </ReasonDialog>
      ) : null}
    </>
  );
}
