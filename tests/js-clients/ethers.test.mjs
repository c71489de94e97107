// ethers v6 against stylus-node: fee data, a transfer, a Stylus token through the
// StylusDeployer, a custom error decoded by the contract interface, events by queryFilter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  JsonRpcProvider, Wallet, Contract, AbiCoder, concat, id, parseEther, Interface,
} from 'ethers';
import {
  startNode, artifact, abi, initCode, deployerAbi, arbWasmAbi, CHAIN_ID, KEY0, KEY1,
  STYLUS_DEPLOYER, ARB_WASM,
} from './node.mjs';

const erc20Abi = abi('tests/mocks/abi/mock-erc20.json');

test('ethers: network, fee data, a transfer paid in ETH', async () => {
  const node = await startNode();
  try {
    const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    const wallet = new Wallet(KEY1, provider);
    assert.equal((await provider.getNetwork()).chainId, BigInt(CHAIN_ID));
    const fees = await provider.getFeeData();
    assert.equal(fees.gasPrice, 100_000_000n);
    const to = '0x000000000000000000000000000000000000b0b0';
    const before = await provider.getBalance(wallet.address);
    const tx = await wallet.sendTransaction({ to, value: 1234n });
    const r = await tx.wait();
    assert.equal(r.status, 1);
    assert.equal(r.gasUsed, 21000n);
    assert.equal(await provider.getBalance(to), 1234n);
    assert.equal(await provider.getBalance(wallet.address), before - 1234n - 21000n * r.gasPrice);
    // The same nonce again: geth's words, which ethers maps to NONCE_EXPIRED.
    await assert.rejects(wallet.sendTransaction({ to, value: 1n, nonce: 0 }), (e) => e.code === 'NONCE_EXPIRED');
  } finally {
    await node.stop();
  }
});

test('ethers deploys a Stylus token and decodes its custom error', async () => {
  const node = await startNode();
  try {
    const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    const wallet = new Wallet(KEY0, provider);
    const code = artifact('mock-erc20');
    const spoof = '0x5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f';
    const arbWasm = new Interface(arbWasmAbi);
    const raw = await provider.send('eth_call', [
      { from: wallet.address, to: ARB_WASM, value: '0xde0b6b3a7640000', data: arbWasm.encodeFunctionData('activateProgram', [spoof]) },
      'latest', { [spoof]: { code } },
    ]);
    const [, dataFee] = arbWasm.decodeFunctionResult('activateProgram', raw);
    const args = AbiCoder.defaultAbiCoder().encode(['string', 'string', 'uint8'], ['Ethers Token', 'ET', 6]);
    const initData = concat([id('stylus_constructor()').slice(0, 10), args]);
    const deployer = new Contract(STYLUS_DEPLOYER, deployerAbi, wallet);
    const receipt = await (await deployer.deploy(initCode(code), initData, 0n, '0x' + '00'.repeat(32), { value: dataFee + dataFee / 10n })).wait();
    const event = receipt.logs.map((l) => deployer.interface.parseLog(l)).find((e) => e?.name === 'ContractDeployed');
    const token = new Contract(event.args.deployedContract, erc20Abi, wallet);
    assert.equal(await token.decimals(), 6n);
    await (await token.mint(wallet.address, 10n)).wait();
    await assert.rejects(token.transfer.staticCall(new Wallet(KEY1).address, 11n), (e) => {
      assert.equal(e.code, 'CALL_EXCEPTION');
      assert.equal(e.revert?.name, 'ERC20InsufficientBalance');
      assert.deepEqual([...e.revert.args], [wallet.address, 10n, 11n]);
      return true;
    });
    const events = await token.queryFilter(token.filters.Transfer(), 0);
    assert.equal(events.length, 1);
    assert.equal(events[0].args.value, 10n);
  } finally {
    await node.stop();
  }
});

test('the genesis StylusDeployer is the one nitro-contracts publishes', async () => {
  const node = await startNode();
  try {
    const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true });
    const require = createRequire(import.meta.url);
    const file = require.resolve('@arbitrum/nitro-contracts/build/contracts/src/stylus/StylusDeployer.sol/StylusDeployer.json');
    const published = JSON.parse(readFileSync(file, 'utf8')).deployedBytecode;
    assert.equal(await provider.getCode(STYLUS_DEPLOYER), published.toLowerCase());
  } finally {
    await node.stop();
  }
});

test('the genesis CacheManager is built from the init code nitro-contracts publishes', async () => {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@arbitrum/nitro-contracts/build/contracts/src/chain/CacheManager.sol/CacheManager.json');
  const published = JSON.parse(readFileSync(file, 'utf8')).bytecode;
  const ours = readFileSync(new URL('../../local-chain/stylus-node/genesis/cache-manager.hex', import.meta.url), 'utf8').trim();
  assert.equal('0x' + ours, published.toLowerCase());
});
