/**
 * The build of both web apps: React, hashed file names under /assets/ (served with a year of
 * immutable caching), no inline scripts or styles (the servers' CSP has no 'unsafe-inline'), no
 * source maps in production.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

export function webAppConfig(app: 'backoffice' | 'portal'): UserConfig {
  return defineConfig({
    root: fileURLToPath(new URL(`./${app}/`, import.meta.url)),
    base: '/',
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: fileURLToPath(new URL(`../../dist/web/${app}/`, import.meta.url)),
      emptyOutDir: true,
      assetsDir: 'assets',
      sourcemap: false,
      // Inlined assets would need data: URLs for scripts; keep every asset a file.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      chunkSizeWarningLimit: 2048,
    },
  });
}
