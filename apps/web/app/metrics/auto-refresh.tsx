'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useTransition } from 'react';

/** Re-renders the server component every 15 s (and on demand) without a full page reload. */
export function AutoRefresh({ label, stamp }: { label: string; stamp: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  useEffect(() => {
    const timer = setInterval(() => start(() => router.refresh()), 15_000);
    return () => clearInterval(timer);
  }, [router]);
  return (
    <div className="flex items-center gap-2 text-xs text-slate-700">
      <time dateTime={stamp} data-testid="metrics-stamp">
        {new Date(stamp).toLocaleTimeString()}
      </time>
      <button
        type="button"
        onClick={() => start(() => router.refresh())}
        disabled={pending}
        className="rounded border border-blue-700 px-2 py-1 text-blue-800"
      >
        {label}
      </button>
    </div>
  );
}
