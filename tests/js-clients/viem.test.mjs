// viem against stylus-node: a Stylus artifact deployed through the StylusDeployer, reads,
// writes, a custom error decoded from a revert, events by getLogs and filters, receipts,
// time travel, snapshots, and a restart from the state file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createPublicClient, createTestClient, createWalletClient, defineChain, http,
  encodeAbiParameters, parseEventLogs, toFunctionSelector, keccak256, BaseError,
  ContractFunctionRevertedError, parseEther, concat,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  startNode, artifact, abi, initCode, deployerAbi, arbWasmAbi, CHAIN_ID, KEY0, KEY1,
  STYLUS_DEPLOYER, ARB_WASM,
} from './node.mjs';

const erc20Abi = abi('tests/mocks/abi/mock-erc20.json');

function clients(url) {
  const chain = defineChain({
    id: CHAIN_ID, name: 'stylus-node', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
    contracts: { multicall3: { address: '0xcA11bde05977b3631167028862bE2a173976CA11' } },
  });
  const transport = http(url);
  const account = privateKeyToAccount(KEY0);
  return {
    account,
    pub: createPublicClient({ chain, transport, pollingInterval: 50 }),
    wallet: createWalletClient({ chain, transport, account }),
    testClient: createTestClient({ chain, transport, mode: 'anvil' }),
  };
}

/** cargo-stylus' flow: the data fee from a spoofed activation, then deploy + activate + construct. */
async function deployStylus({ pub, wallet, account }, code, ctorArgs) {
  const spoof = '0x5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f';
  const { result } = await pub.simulateContract({
    address: ARB_WASM, abi: arbWasmAbi, functionName: 'activateProgram', args: [spoof],
    value: parseEther('1'), account, stateOverride: [{ address: spoof, code }],
  });
  const dataFee = result[1];
  assert.ok(dataFee > 0n, 'activation has a data fee');
  const initData = concat([toFunctionSelector('stylus_constructor()'), ctorArgs]);
  const hash = await wallet.writeContract({
    address: STYLUS_DEPLOYER, abi: deployerAbi, functionName: 'deploy',
    args: [initCode(code), initData, 0n, `0x${'00'.repeat(32)}`], value: dataFee + dataFee / 10n,
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success');
  const [deployed] = parseEventLogs({ abi: deployerAbi, logs: receipt.logs, eventName: 'ContractDeployed' });
  return deployed.args.deployedContract;
}

const tokenArgs = encodeAbiParameters(
  [{ type: 'string' }, { type: 'string' }, { type: 'uint8' }], ['Viem Token', 'VT', 18],
);

test('viem deploys a Stylus token through the StylusDeployer and uses it', async () => {
  const node = await startNode();
  try {
    const c = clients(node.url);
    const { pub, wallet, account } = c;
    assert.equal(await pub.getChainId(), CHAIN_ID);
    const token = await deployStylus(c, artifact('mock-erc20'), tokenArgs);
    const codehash = keccak256(await pub.getCode({ address: token }));
    const version = await pub.readContract({ address: ARB_WASM, abi: arbWasmAbi, functionName: 'stylusVersion' });
    assert.equal(await pub.readContract({ address: ARB_WASM, abi: arbWasmAbi, functionName: 'codehashVersion', args: [codehash] }), version);
    assert.equal(await pub.readContract({ address: token, abi: erc20Abi, functionName: 'name' }), 'Viem Token');

    const mint = await wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'mint', args: [account.address, 1000n] });
    const r = await pub.waitForTransactionReceipt({ hash: mint });
    assert.equal(r.status, 'success');
    assert.equal(r.effectiveGasPrice, 100_000_000n);
    const [transfer] = parseEventLogs({ abi: erc20Abi, logs: r.logs, eventName: 'Transfer' });
    assert.equal(transfer.args.value, 1000n);

    // A custom error, decoded by viem from the revert data.
    const bob = privateKeyToAccount(KEY1).address;
    await assert.rejects(
      pub.simulateContract({ address: token, abi: erc20Abi, functionName: 'transfer', args: [bob, 5000n], account }),
      (e) => {
        assert.ok(e instanceof BaseError);
        const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
        assert.ok(revert, `not a revert: ${e.message}`);
        assert.equal(revert.data?.errorName, 'ERC20InsufficientBalance');
        assert.deepEqual(revert.data?.args, [account.address, 1000n, 5000n]);
        return true;
      },
    );

    // Events: a filter installed before, and getLogs after.
    const filter = await pub.createContractEventFilter({ address: token, abi: erc20Abi, eventName: 'Transfer' });
    for (const v of [1n, 2n]) {
      const h = await wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'transfer', args: [bob, v] });
      await pub.waitForTransactionReceipt({ hash: h });
    }
    const changes = await pub.getFilterChanges({ filter });
    assert.deepEqual(changes.map((l) => l.args.value), [1n, 2n]);
    const logs = await pub.getContractEvents({ address: token, abi: erc20Abi, eventName: 'Transfer', args: { to: bob }, fromBlock: 0n });
    assert.deepEqual(logs.map((l) => l.args.value), [1n, 2n]);
    assert.equal(await pub.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [bob] }), 3n);

    // Batched reads through the genesis Multicall3.
    const [name, balance, supply] = await pub.multicall({
      allowFailure: false,
      contracts: [
        { address: token, abi: erc20Abi, functionName: 'name' },
        { address: token, abi: erc20Abi, functionName: 'balanceOf', args: [bob] },
        { address: token, abi: erc20Abi, functionName: 'totalSupply' },
      ],
    });
    assert.deepEqual([name, balance, supply], ['Viem Token', 3n, 1000n]);
  } finally {
    await node.stop();
  }
});

test('viem test actions: time travel, snapshot and revert, balances, impersonation', async () => {
  const node = await startNode();
  try {
    const { pub, testClient } = clients(node.url);
    const t0 = (await pub.getBlock()).timestamp;
    await testClient.increaseTime({ seconds: 3600 });
    await testClient.mine({ blocks: 1 });
    const t1 = (await pub.getBlock()).timestamp;
    assert.ok(t1 >= t0 + 3600n && t1 < t0 + 3660n, `${t0} -> ${t1}`);

    const whale = '0x00000000000000000000000000000000000000aa';
    const id = await testClient.snapshot();
    await testClient.setBalance({ address: whale, value: parseEther('5') });
    assert.equal(await pub.getBalance({ address: whale }), parseEther('5'));
    await testClient.impersonateAccount({ address: whale });
    const hash = await testClient.request({
      method: 'eth_sendTransaction',
      params: [{ from: whale, to: '0x000000000000000000000000000000000000b0b0', value: '0x1' }],
    });
    const r = await pub.waitForTransactionReceipt({ hash });
    assert.equal(r.from, whale);
    await testClient.revert({ id });
    assert.equal(await pub.getBalance({ address: whale }), 0n);
    assert.equal(await pub.getBlockNumber(), 1n);
  } finally {
    await node.stop();
  }
});

test('a restart with --state keeps balances, logs and the activation', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-node-viem-'));
  const state = path.join(dir, 'state.json');
  try {
    let node = await startNode(['--state', state]);
    let c = clients(node.url);
    const token = await deployStylus(c, artifact('mock-erc20'), tokenArgs);
    const h = await c.wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'mint', args: [c.account.address, 42n] });
    await c.pub.waitForTransactionReceipt({ hash: h });
    const head = await c.pub.getBlockNumber();
    const eth = await c.pub.getBalance({ address: c.account.address });
    assert.equal(await node.stop(), 0);

    node = await startNode(['--state', state]);
    c = clients(node.url);
    try {
      assert.equal(await c.pub.getBlockNumber(), head);
      assert.equal(await c.pub.getBalance({ address: c.account.address }), eth);
      assert.equal(await c.pub.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [c.account.address] }), 42n);
      const logs = await c.pub.getContractEvents({ address: token, abi: erc20Abi, eventName: 'Transfer', fromBlock: 0n });
      assert.equal(logs.length, 1);
      assert.equal((await c.pub.getTransactionReceipt({ hash: h })).status, 'success');
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('killed after a periodic save, the node comes back with what was saved', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-node-kill-'));
  const state = path.join(dir, 'state.json');
  try {
    let node = await startNode(['--state', state, '--state-interval', '1']);
    let c = clients(node.url);
    const bob = '0x000000000000000000000000000000000000b0b0';
    const hash = await c.wallet.sendTransaction({ to: bob, value: 5n });
    await c.pub.waitForTransactionReceipt({ hash });
    // Past the next save (every second), then killed with no chance to save again.
    await new Promise((r) => setTimeout(r, 2500));
    await node.kill();
    node = await startNode(['--state', state]);
    c = clients(node.url);
    try {
      assert.equal(await c.pub.getBalance({ address: bob }), 5n);
      assert.equal((await c.pub.getTransactionReceipt({ hash })).status, 'success');
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the genesis Multicall3 comes from the creation code viem ships', () => {
  const constants = readFileSync(new URL('./node_modules/viem/_esm/constants/contracts.js', import.meta.url), 'utf8');
  const shipped = constants.match(/export const multicall3Bytecode = '(0x[0-9a-f]+)'/)[1];
  const ours = readFileSync(new URL('../../local-chain/stylus-node/genesis/multicall3-initcode.hex', import.meta.url), 'utf8').trim();
  assert.equal('0x' + ours, shipped);
});
