import { type NextRequest, NextResponse } from 'next/server';

/**
 * Redirects requests without a session cookie to /login — a convenience only: every page, Server
 * Action and API route checks the session itself through lib/dal.ts, and core checks permissions.
 * API routes answer 401 JSON themselves, so they are not matched here.
 */
export function proxy(request: NextRequest) {
  if (request.cookies.has('incidents_session')) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/login';
  url.search = '';
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') url.searchParams.set('next', next);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ['/', '/tickets/:path*', '/admin/:path*', '/metrics/:path*'],
};
