import path from 'node:path';
import { defineConfig } from 'vite';

// The public web app. `npm start` builds it into dist/web, which the server serves;
// `npx vite` runs it with hot reload against a server on :3000.
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'src/web'),
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      // Libraries ship "use client" for React Server Components; a client-only build ignores it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
