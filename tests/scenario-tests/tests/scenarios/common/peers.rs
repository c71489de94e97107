//! The gas comparison against Solidity peers (bench `gas_vs_solidity`, test
//! `solidity_peers`): the community's Stylus artifacts and the Solidity contracts a user
//! would pick instead (`scripts/solidity-peers/fixtures`, compiled from OpenZeppelin and the
//! ERC-6551 reference by `scripts/solidity-peers/compile.js`) on one local chain, each
//! user-facing operation run from the same state on both sides.
#![allow(dead_code)]

use std::collections::HashMap;

use alloy_sol_types::{sol, SolCall, SolValue};
use local_chain::{keccak256, Address, Bytes, Chain, Receipt, Tx, B256, U256};

use super::{
    abi::membership::IMembership,
    community::{member, ok, u, Community, ADMIN, ETH, LOCK, STAKE},
};

sol! {
    interface IPeer {
        function mint(address to, uint256 amount) external;
        function deposit() external payable;
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address who) external view returns (uint256);
        function transferFrom(address from, address to, uint256 id) external;
        function ownerOf(uint256 id) external view returns (address);
        function deposit(uint256 assets, address receiver) external returns (uint256);
        function redeem(uint256 shares, address receiver, address owner) external returns (uint256);
        function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) external returns (address);
        function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) external view returns (address);
        function execute(address to, uint256 value, bytes data, uint8 operation) external payable returns (bytes);
        function owner() external view returns (address);
        function join() external payable returns (uint256);
    }
}

/// The user whose operations are measured, and an existing holder.
pub const USER: Address = Address::new([0x5A; 20]);
pub const HOLDER: Address = Address::new([0x5B; 20]);
/// The NFT id the user holds on both sides (its account is the one created and executed).
pub const NFT_ID: u64 = 7;

/// Creation code of a committed Solidity fixture (`scripts/solidity-peers/fixtures`).
pub fn fixture(name: &str) -> Vec<u8> {
    let path =
        format!("{}/../../scripts/solidity-peers/fixtures/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    local_chain::hex::decode(text.trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Deploys a Solidity fixture with ABI-encoded constructor arguments.
pub fn deploy_peer(chain: &mut Chain, name: &str, args: &[u8]) -> Address {
    let mut code = fixture(name);
    code.extend_from_slice(args);
    let r = chain.deploy(ADMIN, code, U256::ZERO);
    assert!(r.success, "deploy {name}: {} 0x{}", r.status, local_chain::hex::encode(&r.output));
    r.created.expect("created")
}

/// One side's contracts for every operation.
#[derive(Debug, Clone, Copy)]
pub struct Side {
    pub token: Address,
    pub nft: Address,
    /// A plain ERC-4626 over `token`.
    pub vault: Address,
    /// An ERC-4626 over `token` that puts its assets into `vault`.
    pub wrap: Address,
    pub registry: Address,
    pub implementation: Address,
    pub join: Address,
}

/// The community (Stylus side) and the Solidity peers on one chain.
#[derive(Debug)]
pub struct Bench {
    pub c: Community,
    pub stylus: Side,
    pub solidity: Side,
}

/// Gas of one operation on both sides.
#[derive(Debug, Clone)]
pub struct Row {
    pub op: String,
    pub stylus: u64,
    pub solidity: u64,
    pub stylus_slots: Slots,
    pub solidity_slots: Slots,
    /// Where the Stylus side's gas went, and its intrinsic gas.
    pub stylus_trace: local_chain::GasTrace,
    pub stylus_intrinsic: u64,
}

/// Storage slots a transaction wrote: fresh (zero before: 20,000 gas each under EIP-2200)
/// and changed (non-zero before: 2,900, or a refund when cleared).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slots {
    pub fresh: usize,
    pub changed: usize,
}

/// Every storage slot of the world.
fn storage(chain: &Chain) -> HashMap<(Address, U256), U256> {
    let mut m = HashMap::new();
    for (a, acc) in &chain.world().db.cache.accounts {
        for (k, v) in &acc.storage {
            m.insert((*a, *k), *v);
        }
    }
    m
}

fn send(
    chain: &mut Chain,
    from: Address,
    to: Address,
    value: U256,
    data: Vec<u8>,
    what: &str,
) -> Receipt {
    ok(chain.call(from, to, value, data), what)
}

impl Bench {
    /// Deploys both sides and brings them to the same state: the user holds tokens, an NFT,
    /// has approved every vault; `HOLDER` holds tokens; one member has joined (so the vaults
    /// and the NFT collection are not empty).
    pub fn deploy() -> Self {
        let mut c = Community::deploy();
        let chain = &mut c.chain;
        for who in [USER, member(0)] {
            chain.set_balance(who, u(1_000 * ETH));
        }
        let nft_args =
            ("N".to_string(), "N".to_string(), "ipfs://n/".to_string()).abi_encode_params();
        let nft = chain
            .deploy_stylus(
                ADMIN,
                &local_chain::artifact("mock-erc721").unwrap(),
                Some(&nft_args),
                U256::ZERO,
            )
            .expect("mock-erc721");
        let stylus = Side {
            token: c.weth,
            nft,
            vault: c.source,
            wrap: c.vault,
            registry: c.registry,
            implementation: c.implementation,
            join: c.membership,
        };
        let token = deploy_peer(chain, "PeerToken", &[]);
        let nft = deploy_peer(chain, "PeerNFT", &[]);
        let vault = deploy_peer(chain, "PeerVault", &token.abi_encode());
        let wrap = deploy_peer(chain, "PeerWrapVault", &vault.abi_encode());
        let registry = deploy_peer(chain, "ERC6551Registry", &[]);
        let implementation = deploy_peer(chain, "ERC6551Account", &[]);
        let join = deploy_peer(
            chain,
            "PeerJoin",
            &(token, wrap, registry, implementation, u(STAKE)).abi_encode_params(),
        );
        let solidity = Side { token, nft, vault, wrap, registry, implementation, join };
        for s in [stylus, solidity] {
            for who in [USER, HOLDER, ADMIN] {
                let m = IPeer::mintCall { to: who, amount: u(100 * ETH) }.abi_encode();
                send(chain, ADMIN, s.token, U256::ZERO, m, "token mint");
            }
            for spender in [s.vault, s.wrap] {
                for who in [USER, ADMIN] {
                    let a = IPeer::approveCall { spender, value: U256::MAX }.abi_encode();
                    send(chain, who, s.token, U256::ZERO, a, "approve");
                }
            }
            let m = IPeer::mintCall { to: USER, amount: U256::from(NFT_ID) }.abi_encode();
            send(chain, ADMIN, s.nft, U256::ZERO, m, "nft mint");
            let d = IPeer::deposit_1Call { assets: u(ETH), receiver: ADMIN }.abi_encode();
            send(chain, ADMIN, s.vault, U256::ZERO, d, "vault deposit");
            send(chain, member(0), s.join, u(STAKE), IPeer::joinCall {}.abi_encode(), "first join");
        }
        Bench { c, stylus, solidity }
    }

    /// The bench's Stylus programs by crate name.
    pub fn stylus_programs(&self) -> [(&'static str, Address); 8] {
        let s = self.stylus;
        [
            ("mock-erc20", s.token),
            ("mock-erc721", s.nft),
            ("mock-yield-source", s.vault),
            ("yield-vault", s.wrap),
            ("erc6551-registry", s.registry),
            ("tba-account", s.implementation),
            ("membership", s.join),
            ("compute-ledger", self.c.ledger),
        ]
    }

    /// Puts every Stylus program of the bench in the CacheManager cache.
    pub fn cache_stylus(&mut self) {
        for (name, a) in self.stylus_programs() {
            let hash = keccak256(self.c.chain.code(a));
            assert!(self.c.chain.cache_program(hash), "cache {name}");
        }
    }

    /// Runs `op` from the current state on one side: its receipt, its intrinsic gas and
    /// the storage slots the measured transaction wrote (fresh, i.e. zero before, and
    /// changed); the state is restored afterwards.
    fn measure(
        &mut self,
        side: Side,
        op: &dyn Fn(&mut Chain, Side) -> Tx,
    ) -> (Receipt, u64, Slots) {
        let snap = self.c.chain.snapshot();
        let t = op(&mut self.c.chain, side);
        let before = storage(&self.c.chain);
        let r = self.c.chain.transact(&t);
        assert!(
            r.success,
            "measured op failed: {} 0x{}",
            r.status,
            local_chain::hex::encode(&r.output)
        );
        let after = storage(&self.c.chain);
        let mut slots = Slots::default();
        for (k, v) in &after {
            let old = before.get(k).copied().unwrap_or_default();
            if *v != old {
                if old.is_zero() {
                    slots.fresh += 1;
                } else {
                    slots.changed += 1;
                }
            }
        }
        slots.changed +=
            before.iter().filter(|(k, v)| !v.is_zero() && !after.contains_key(k)).count();
        self.c.chain.revert_to(snap);
        (r, t.intrinsic_gas(), slots)
    }

    /// Every operation on both sides: (operation, Stylus gas, Solidity gas).
    pub fn rows(&mut self) -> Vec<Row> {
        let ops = operations();
        let mut rows = Vec::new();
        for (name, op) in &ops {
            let (stylus, stylus_intrinsic, stylus_slots) = self.measure(self.stylus, op.as_ref());
            let (solidity, _, solidity_slots) = self.measure(self.solidity, op.as_ref());
            rows.push(Row {
                op: name.to_string(),
                stylus: stylus.gas_used,
                solidity: solidity.gas_used,
                stylus_slots,
                solidity_slots,
                stylus_trace: *stylus.gas_trace,
                stylus_intrinsic,
            });
        }
        rows
    }
}

/// An operation: prepares the chain (committed) and returns the transaction to measure.
type Op = Box<dyn Fn(&mut Chain, Side) -> Tx>;

fn call(chain: &mut Chain, from: Address, to: Address, value: U256, data: Vec<u8>) -> Receipt {
    chain.call(from, to, value, data)
}

fn tx(from: Address, to: Address, value: U256, data: Vec<u8>) -> Tx {
    Tx::call(from, to, value, data)
}

fn chain_id(chain: &Chain) -> U256 {
    U256::from(chain.block().chain_id)
}

/// The transaction creating the user's NFT's account (salt 0).
fn create_account_tx(chain: &mut Chain, s: Side) -> Tx {
    let cid = chain_id(chain);
    let data = IPeer::createAccountCall {
        implementation: s.implementation,
        salt: B256::ZERO,
        chainId: cid,
        tokenContract: s.nft,
        tokenId: U256::from(NFT_ID),
    }
    .abi_encode();
    tx(USER, s.registry, U256::ZERO, data)
}

/// Creates the user's NFT's account and returns its address.
fn create_account(chain: &mut Chain, s: Side) -> Address {
    let t = create_account_tx(chain, s);
    let r = ok(chain.transact(&t), "createAccount");
    Address::abi_decode(&r.output).expect("account address")
}

/// The user-facing operations, each from the bench's state, in table order.
pub fn operations() -> Vec<(&'static str, Op)> {
    let mut v: Vec<(&'static str, Op)> = Vec::new();
    v.push((
        "ERC-20 balanceOf (as a transaction)",
        Box::new(|_, s| {
            let d = IPeer::balanceOfCall { who: USER }.abi_encode();
            tx(USER, s.token, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-20 transfer (to a new holder)",
        Box::new(|_, s| {
            let d = IPeer::transferCall { to: Address::new([0x77; 20]), value: u(5) }.abi_encode();
            tx(USER, s.token, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-20 transfer (to an existing holder)",
        Box::new(|_, s| {
            let d = IPeer::transferCall { to: HOLDER, value: u(5) }.abi_encode();
            tx(USER, s.token, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-20 approve (new allowance)",
        Box::new(|_, s| {
            let d = IPeer::approveCall { spender: HOLDER, value: u(5) }.abi_encode();
            tx(USER, s.token, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-20 wrap ETH (WETH `deposit`)",
        Box::new(|_, s| tx(USER, s.token, u(STAKE), IPeer::deposit_0Call {}.abi_encode())),
    ));
    v.push((
        "ERC-721 mint (new id, new holder)",
        Box::new(|_, s| {
            let d = IPeer::mintCall { to: HOLDER, amount: U256::from(1_000) }.abi_encode();
            tx(ADMIN, s.nft, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-721 transferFrom (by the owner)",
        Box::new(|_, s| {
            let d = IPeer::transferFromCall { from: USER, to: HOLDER, id: U256::from(NFT_ID) }
                .abi_encode();
            tx(USER, s.nft, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-4626 deposit (plain, new holder)",
        Box::new(|_, s| {
            let d = IPeer::deposit_1Call { assets: u(ETH), receiver: USER }.abi_encode();
            tx(USER, s.vault, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-4626 redeem (plain, all shares)",
        Box::new(|ch, s| {
            let d = IPeer::deposit_1Call { assets: u(ETH), receiver: USER }.abi_encode();
            ok(call(ch, USER, s.vault, U256::ZERO, d), "deposit");
            let shares = ch.read(s.vault, &IPeer::balanceOfCall { who: USER }).unwrap();
            let d = IPeer::redeemCall { shares, receiver: USER, owner: USER }.abi_encode();
            tx(USER, s.vault, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-4626 over an ERC-4626: deposit (0.1 ETH of WETH)",
        Box::new(|_, s| {
            let d = IPeer::deposit_1Call { assets: u(STAKE), receiver: USER }.abi_encode();
            tx(USER, s.wrap, U256::ZERO, d)
        }),
    ));
    v.push((
        "ERC-4626 over an ERC-4626: redeem (all, after the lock)",
        Box::new(|ch, s| {
            let d = IPeer::deposit_1Call { assets: u(STAKE), receiver: USER }.abi_encode();
            ok(call(ch, USER, s.wrap, U256::ZERO, d), "deposit");
            let t = ch.block().timestamp + LOCK + 1;
            ch.warp(t);
            let shares = ch.read(s.wrap, &IPeer::balanceOfCall { who: USER }).unwrap();
            let d = IPeer::redeemCall { shares, receiver: USER, owner: USER }.abi_encode();
            tx(USER, s.wrap, U256::ZERO, d)
        }),
    ));
    v.push(("ERC-6551 createAccount", Box::new(create_account_tx)));
    v.push((
        "ERC-6551 account execute (ERC-20 transfer out)",
        Box::new(|ch, s| {
            let account = create_account(ch, s);
            let m = IPeer::mintCall { to: account, amount: u(ETH) }.abi_encode();
            ok(call(ch, ADMIN, s.token, U256::ZERO, m), "fund account");
            let inner = IPeer::transferCall { to: HOLDER, value: u(5) }.abi_encode();
            let d = IPeer::executeCall {
                to: s.token,
                value: U256::ZERO,
                data: Bytes::from(inner),
                operation: 0,
            }
            .abi_encode();
            tx(USER, account, U256::ZERO, d)
        }),
    ));
    v.push((
        "join (mint, createAccount, wrap, deposit into the wrapping 4626)",
        Box::new(|_, s| tx(USER, s.join, u(STAKE), IMembership::joinCall {}.abi_encode())),
    ));
    v
}

/// The operations `join` consists of, in the table above: their sum (each minus the
/// 21,000 intrinsic gas, plus one) is what the parts cost as one transaction, roughly.
pub const JOIN_PARTS: [&str; 5] = [
    "ERC-721 mint (new id, new holder)",
    "ERC-6551 createAccount",
    "ERC-20 wrap ETH (WETH `deposit`)",
    "ERC-20 approve (new allowance)",
    "ERC-4626 over an ERC-4626: deposit (0.1 ETH of WETH)",
];
