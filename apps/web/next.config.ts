import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./i18n/request.ts');

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
