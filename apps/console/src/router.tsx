import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// The console has a handful of pages: the History API and one event are all the routing it needs.
// Ops answers every page path with index.html, so a reload or a shared link opens the same page.
const NAVIGATE = 'switchyard:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const current = () => window.location.pathname + window.location.search;

/** The current path and query, re-rendering on navigation. */
export function useLocation(): URL {
  return new URL(useSyncExternalStore(subscribe, current), window.location.origin);
}

export function navigate(to: string): void {
  if (to === current()) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

/** The console page of an entity the API links to (`/api/entities/…` → `/entities/…`). */
export function entityPath(href: string): string {
  return href.replace(/^\/api\//, '/');
}

/** A real link (open in a new tab works) that navigates in place on a plain click. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}
