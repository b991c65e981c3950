// Builds the UI into dist/ for `drux serve --web-root web/dist`. `npm run dev` serves it with
// the API proxied to a running `drux serve` (DRUX_API, default http://127.0.0.1:8000).
import { defineConfig } from "vite";

const api = process.env.DRUX_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The server's CSP allows scripts from 'self' only: no inline polyfill script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/api": { target: api, changeOrigin: false } },
  },
});
