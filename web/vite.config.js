// Vite build of the browser UI. `npx vite build` writes dist/ (index.html + hashed assets/),
// which `crm serve --static-dir web/dist` serves. In dev (`npx vite`) /api and /healthz are
// proxied to a running server (CRM_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

const target = process.env.CRM_URL || 'http://127.0.0.1:8080';

export default defineConfig({
    base: '/',
    build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false },
    server: { proxy: { '/api': target, '/healthz': target } },
});
