#!/usr/bin/env node
// Runs the built entry point (pnpm build); kept outside dist so the bin exists at install time.
import "../dist/main.js";
