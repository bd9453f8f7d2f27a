import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin({
  requestConfig: './i18n/request.ts',
  // ICU messages compiled at build time: no message parsing per request on the server (it was a
  // measurable share of each page's CPU) and a smaller catalogue for client components.
  experimental: { messages: { path: './messages', format: 'json', locales: 'infer', precompile: true } },
});

const nextConfig: NextConfig = {
  // The SDK's server-side packages (libSQL driver, argon2 binding, AWS SDK) run from node_modules.
  serverExternalPackages: [
    '@libsql/client',
    'libsql',
    '@node-rs/argon2',
    '@incidents/config',
    '@incidents/connectors',
    '@slack/web-api',
    '@incidents/store-turso',
    '@incidents/store-dynamo',
    '@incidents/redis',
    'ioredis',
    '@upstash/redis',
    '@upstash/ratelimit',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/lib-dynamodb',
  ],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
  // `pnpm typecheck` and `pnpm lint` (Biome) check the app; next build does not run ESLint.
};

export default withNextIntl(nextConfig);
