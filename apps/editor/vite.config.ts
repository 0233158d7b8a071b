import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const nodesSrc = fileURLToPath(new URL('../../packages/nodes/src', import.meta.url));
// The dev server proxies the API to a running runner (`npm start` or SENTIFLOW_API=http://host:port).
const api = process.env.SENTIFLOW_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: './',
  resolve: {
    // Only pure modules of the node package are imported (the expression parser); never node:* ones.
    alias: { '@sentiflow/nodes': nodesSrc },
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api/events': { target: api.replace(/^http/, 'ws'), ws: true },
      '/api': { target: api, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
