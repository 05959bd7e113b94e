import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is served from app:// in Electron and from the headless server in a browser,
// so every asset path is relative and nothing is inlined (the CSP forbids inline scripts).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
