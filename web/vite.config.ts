// Builds web/dist for embedding into the narwhal binary (src/http/embed_web.cmake).
// The server sends `Content-Security-Policy: default-src 'self'`, so the build must not
// emit inline scripts or styles: the module-preload polyfill (an inline helper in some
// setups) is off, and CSS goes to its own file.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    target: "es2022",
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    // Small assets would otherwise be inlined as data: URLs, which the CSP refuses for fonts
    // and images.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npm run dev` forwards the API to a narwhal server started separately.
    proxy: { "/api": process.env.NARWHAL_URL ?? "http://127.0.0.1:8080" },
  },
});
