// Starting and stopping the stylus-node binary (built by cargo into target/debug) on a
// free port of 127.0.0.1, and the Stylus deployment helpers the tests share.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const binary = process.env.STYLUS_NODE_BIN ?? path.join(targetDir, 'debug', 'stylus-node');

export const CHAIN_ID = 412346;
export const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const KEY1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
export const STYLUS_DEPLOYER = '0xcEcba2F1DC234f70Dd89F2041029807F8D03A990';
export const ARB_WASM = '0x0000000000000000000000000000000000000071';

/** Starts a node; resolves when it prints its URL. */
export function startNode(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stylus-node printed no URL within 20 s:\n${out}\n${err}`));
    }, 20000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], banner: out, stop: () => stopNode(child), kill: () => killNode(child) });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary} (build it: cargo build --manifest-path scripts/Cargo.toml -p stylus-node): ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stylus-node exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** SIGTERM, as a user's Ctrl-C; resolves with the exit code once it saved and stopped. */
function stopNode(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** SIGKILL: no chance to save; resolves once the process is gone. */
function killNode(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A contract crate's deployable bytes (0xEFF000 + brotli WASM), hex. */
export function artifact(name) {
  const dir = process.env.CF_ARTIFACTS_DIR ?? path.join(targetDir, 'stylus');
  return '0x' + readFileSync(path.join(dir, `${name}.code`)).toString('hex');
}

/** A committed ABI (JSON) of a contract crate. */
export function abi(file) {
  return JSON.parse(readFileSync(path.join(root, file), 'utf8'));
}

/** EVM init code returning `runtime` unchanged (what cargo-stylus deploys Stylus code with). */
export function initCode(runtimeHex) {
  const len = (runtimeHex.length - 2) / 2;
  const push32 = '7f' + len.toString(16).padStart(64, '0');
  // DUP1, PUSH1 42 (header length), PUSH1 0, CODECOPY, PUSH1 0, RETURN
  return '0x' + push32 + '80602a6000396000f3' + runtimeHex.slice(2);
}

export const deployerAbi = [
  {
    type: 'function', name: 'deploy', stateMutability: 'payable',
    inputs: [
      { name: 'bytecode', type: 'bytes' }, { name: 'initData', type: 'bytes' },
      { name: 'initValue', type: 'uint256' }, { name: 'salt', type: 'bytes32' },
    ],
    outputs: [{ name: '', type: 'address' }],
  },
  { type: 'event', name: 'ContractDeployed', anonymous: false, inputs: [{ name: 'deployedContract', type: 'address', indexed: false }] },
];

export const arbWasmAbi = [
  {
    type: 'function', name: 'activateProgram', stateMutability: 'payable',
    inputs: [{ name: 'program', type: 'address' }],
    outputs: [{ name: 'version', type: 'uint16' }, { name: 'dataFee', type: 'uint256' }],
  },
  { type: 'function', name: 'stylusVersion', stateMutability: 'view', inputs: [], outputs: [{ name: 'version', type: 'uint16' }] },
  {
    type: 'function', name: 'codehashVersion', stateMutability: 'view',
    inputs: [{ name: 'codehash', type: 'bytes32' }], outputs: [{ name: 'version', type: 'uint16' }],
  },
];
