import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The Tauri shell loads `ui/dist` (frontendDist) in production and the dev server on
// http://localhost:5173 (devUrl) in development; both are fixed by tauri.conf.json.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  // Tauri's webviews are recent (WebView2, WebKitGTK 2.4x, WKWebView), so no legacy output.
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  // Svelte resolves to its server build under Node unless told otherwise; the stores use
  // runes, which need the client runtime in unit tests too.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
}));
