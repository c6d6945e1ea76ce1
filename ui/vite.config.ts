/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Tauri loads ui/dist from disk (relative base) and the dev server on a fixed port.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
    // The in-app guide is docs/guide.md; a test reads the menu's screen list.
    fs: { allow: [".", "../docs", "../src-tauri/src"] },
  },
  build: {
    outDir: "dist",
    target: "es2021",
    sourcemap: false,
    rollupOptions: {
      output: {
        // React itself in a chunk of its own (it changes least); screens
        // other than Segments are split by React.lazy in Shell.tsx.
        manualChunks(id) {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return "react";
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: false,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
  },
});
