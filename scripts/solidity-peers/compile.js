// Compiles the Solidity peers (src/*.sol, OpenZeppelin from node_modules) with the pinned
// solc-js and writes each peer's creation bytecode and ABI to fixtures/:
//   fixtures/<Contract>.hex       creation bytecode (hex, no 0x, one line)
//   fixtures/<Contract>.abi.json  ABI
//   fixtures/build.json           compiler, settings and package versions used
// Usage: npm ci && node compile.js   (or: npm run build)
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const ROOT = __dirname;
const SRC = path.join(ROOT, "src");
const OUT = path.join(ROOT, "fixtures");
// The contracts the gas comparison deploys.
const PEERS = [
  "PeerToken",
  "PeerNFT",
  "PeerVault",
  "PeerWrapVault",
  "PeerJoin",
  "ERC6551Registry",
  "ERC6551Account",
];
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
};

function findImports(p) {
  const file = path.join(ROOT, "node_modules", p);
  if (fs.existsSync(file)) return { contents: fs.readFileSync(file, "utf8") };
  return { error: `not found: ${p}` };
}

const sources = {};
for (const f of fs.readdirSync(SRC).filter((f) => f.endsWith(".sol")).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(SRC, f), "utf8") };
}
const input = { language: "Solidity", sources, settings: SETTINGS };
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of output.errors || []) {
  if (e.severity === "error") failed = true;
  process.stderr.write(e.formattedMessage + "\n");
}
if (failed) process.exit(1);

fs.mkdirSync(OUT, { recursive: true });
for (const name of PEERS) {
  const file = Object.keys(output.contracts).find((f) => output.contracts[f][name]);
  if (!file) throw new Error(`contract ${name} not in the output`);
  const c = output.contracts[file][name];
  fs.writeFileSync(path.join(OUT, `${name}.hex`), c.evm.bytecode.object + "\n");
  fs.writeFileSync(path.join(OUT, `${name}.abi.json`), JSON.stringify(c.abi, null, 2) + "\n");
  console.log(`${name}: ${c.evm.bytecode.object.length / 2} B creation code`);
}
const pkg = (p) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", p, "package.json"), "utf8")).version;
const build = {
  solc: solc.version(),
  "@openzeppelin/contracts": pkg("@openzeppelin/contracts"),
  settings: { optimizer: SETTINGS.optimizer, evmVersion: SETTINGS.evmVersion },
};
fs.writeFileSync(path.join(OUT, "build.json"), JSON.stringify(build, null, 2) + "\n");
console.log(JSON.stringify(build));
