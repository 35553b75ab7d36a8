import { JSDOM } from "jsdom";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
let text = "";
for await (const chunk of process.stdin) text += chunk;
try { const r = await mermaid.parse(text); console.log(JSON.stringify(r)); }
catch (e) { console.error("PARSE ERROR: " + e.message); process.exit(1); }
