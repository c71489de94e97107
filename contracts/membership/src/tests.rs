//! Unit tests (motsu) with stand-ins for the registry and the vault, which talk to
//! membership only through their ABIs. The real registry cannot deploy in motsu
//! (no CREATE2), so `MockRegistry` answers the reference address without deploying;
//! join end to end with the real registry, account proxy and vault runs on the local
//! chain. motsu cannot hold EVM code either: the token-bound accounts' proxy code is
//! substituted through `code_override` (what the cycle check reads).
use alloc::{string::ToString, vec::Vec};
use std::{cell::RefCell, collections::HashMap};

use alloy_primitives::{B256, U8};
use alloy_sol_types::sol;
use compute_fi_contracts::interfaces::tba::{account_address, proxy_runtime, AccountContext};
use mock_erc20::MockErc20;
use motsu::prelude::*;
use openzeppelin_stylus::token::{erc20::IErc20, erc721};
use stylus_sdk::storage::{StorageMap, StorageU256};

use super::*;

thread_local! {
    static CODE: RefCell<HashMap<Address, Vec<u8>>> = RefCell::new(HashMap::new());
}

/// Code motsu cannot hold: what `code_at` sees for `account` in tests.
pub(crate) fn code_override(account: Address) -> Option<Vec<u8>> {
    CODE.with(|c| c.borrow().get(&account).cloned())
}

fn set_code(account: Address, code: Vec<u8>) {
    CODE.with(|c| c.borrow_mut().insert(account, code));
}

/// Registry stand-in: returns the reference address (optionally fails), never deploys.
#[storage]
pub struct MockRegistry {
    fail: StorageBool,
    created: StorageU256,
}
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for MockRegistry {}

#[public]
impl MockRegistry {
    pub fn set_fail(&mut self, fail: bool) {
        self.fail.set(fail);
    }
    pub fn created(&self) -> U256 {
        self.created.get()
    }
    pub fn create_account(
        &mut self,
        implementation: Address,
        salt: B256,
        chain_id: U256,
        token_contract: Address,
        token_id: U256,
    ) -> Result<Address, Vec<u8>> {
        if self.fail.get() {
            return Err(b"no".to_vec());
        }
        self.created.set(self.created.get() + U256::from(1));
        Ok(self.account(implementation, salt, chain_id, token_contract, token_id))
    }
    pub fn account(
        &self,
        implementation: Address,
        salt: B256,
        chain_id: U256,
        token_contract: Address,
        token_id: U256,
    ) -> Address {
        account_address(
            self.vm().contract_address(),
            &AccountContext { implementation, salt, chain_id, token_contract, token_id },
        )
    }
}

sol! {
    interface IERC20Pull {
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function deposit() external payable;
    }
}

/// Vault stand-in: `deposit` pulls the assets, `depositEth` wraps the ETH sent, and
/// both credit `receiver` 1:1.
#[storage]
pub struct MockVault {
    asset: StorageAddress,
    shares: StorageMap<Address, StorageU256>,
    fail: StorageBool,
    eth_deposits: StorageU256,
}
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for MockVault {}

#[public]
impl MockVault {
    pub fn set_asset(&mut self, asset: Address) {
        self.asset.set(asset);
    }
    pub fn set_fail(&mut self, fail: bool) {
        self.fail.set(fail);
    }
    pub fn shares_of(&self, who: Address) -> U256 {
        self.shares.get(who)
    }
    pub fn deposit(&mut self, assets: U256, receiver: Address) -> Result<U256, Vec<u8>> {
        self.refuse_when_set()?;
        let from = self.vm().msg_sender();
        let to = self.vm().contract_address();
        let data = IERC20Pull::transferFromCall { from, to, value: assets }.abi_encode();
        #[allow(deprecated)]
        let ok = self.vm().call(
            &stylus_sdk::stylus_core::calls::context::Call::new(),
            self.asset.get(),
            &data,
        );
        ok.map_err(|_| b"pull failed".to_vec())?;
        Ok(self.credit(receiver, assets))
    }
    /// Wraps the ETH sent into the asset (WETH9 `deposit`) and credits `receiver` 1:1.
    #[payable]
    pub fn deposit_eth(&mut self, receiver: Address) -> Result<U256, Vec<u8>> {
        self.refuse_when_set()?;
        let assets = self.vm().msg_value();
        #[allow(deprecated)]
        let wrapped = unsafe {
            stylus_sdk::call::RawCall::new_with_value(assets)
                .call(self.asset.get(), &IERC20Pull::depositCall::SELECTOR)
        };
        wrapped.map_err(|_| b"wrap failed".to_vec())?;
        self.eth_deposits.set(self.eth_deposits.get() + U256::from(1));
        Ok(self.credit(receiver, assets))
    }
    pub fn eth_deposits(&self) -> U256 {
        self.eth_deposits.get()
    }
}

impl MockVault {
    fn refuse_when_set(&self) -> Result<(), Vec<u8>> {
        if self.fail.get() {
            return Err(b"vault says no".to_vec());
        }
        Ok(())
    }
    /// Shares 1:1 for `assets`.
    fn credit(&mut self, receiver: Address, assets: U256) -> U256 {
        let s = self.shares.get(receiver) + assets;
        self.shares.setter(receiver).set(s);
        assets
    }
}

use alloy_sol_types::{SolCall, SolEvent};

/// The ETH `account` holds in motsu's world (the SDK's `AddressVM` is what motsu reads).
#[allow(deprecated)]
fn eth_of(account: Address) -> U256 {
    account.balance()
}

const STAKE: u64 = 1_000;
const CHAIN: u64 = 42161;

struct World {
    m: Contract<Membership>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    registry: Contract<MockRegistry>,
    admin: Address,
    implementation: Address,
}

fn world() -> World {
    VM::context().set_chain_id(CHAIN);
    let w = World {
        m: Contract::new(),
        token: Contract::new(),
        vault: Contract::new(),
        registry: Contract::new(),
        admin: Address::repeat_byte(0xad),
        implementation: Address::repeat_byte(0x1e),
    };
    w.token.sender(w.admin).constructor("Wrapped".into(), "WETH".into(), U8::from(18));
    w.vault.sender(w.admin).set_asset(w.token.address());
    w
}

impl World {
    fn setup(&self) -> Result<(), Error> {
        self.m.sender(self.admin).constructor(
            "Community".into(),
            "CM".into(),
            "ipfs://cm/".into(),
            self.admin,
            self.token.address(),
            self.vault.address(),
            self.registry.address(),
            self.implementation,
            U256::from(STAKE),
        )
    }
    fn context(&self, id: u64) -> AccountContext {
        AccountContext {
            implementation: self.implementation,
            salt: B256::ZERO,
            chain_id: U256::from(CHAIN),
            token_contract: self.m.address(),
            token_id: U256::from(id),
        }
    }
    fn account(&self, id: u64) -> Address {
        account_address(self.registry.address(), &self.context(id))
    }
    /// Token `id`'s account, with the proxy code the registry would have deployed there.
    fn deployed_account(&self, id: u64) -> Address {
        let account = self.account(id);
        set_code(account, proxy_runtime(&self.context(id)).to_vec());
        account
    }
}

#[motsu::test]
fn setup_mints_the_pool_nft_and_its_account() {
    let w = world();
    w.setup().unwrap();
    assert_eq!(w.m.sender(w.admin).owner_of(U256::ZERO).unwrap(), w.admin);
    w.m.assert_emitted(&CommunityCreated {
        admin: w.admin,
        poolTokenId: U256::ZERO,
        poolAccount: w.account(0),
    });
    assert_eq!(w.registry.sender(w.admin).created(), U256::from(1));
    assert_eq!(w.m.sender(w.admin).admin(), w.admin);
    assert_eq!(w.m.sender(w.admin).asset(), w.token.address());
    assert_eq!(w.m.sender(w.admin).vault(), w.vault.address());
    assert_eq!(w.m.sender(w.admin).registry(), w.registry.address());
    assert_eq!(w.m.sender(w.admin).implementation(), w.implementation);
    assert_eq!(w.m.sender(w.admin).stake(), U256::from(STAKE));
    assert_eq!(w.m.sender(w.admin).next_token_id(), U256::from(1));
    assert_eq!(w.m.sender(w.admin).account_of(U256::from(5)).unwrap(), w.account(5));
    assert_eq!(w.m.sender(w.admin).name(), "Community");
    assert_eq!(w.m.sender(w.admin).symbol(), "CM");
    assert_eq!(w.m.sender(w.admin).token_uri(U256::ZERO).unwrap(), "ipfs://cm/0");
}

#[motsu::test]
fn setup_runs_once_by_either_path() {
    let w = world();
    w.setup().unwrap();
    assert!(matches!(w.setup(), Err(Error::AlreadyInitialized(_))));
    let err =
        w.m.sender(w.admin)
            .constructor(
                "X".into(),
                "X".into(),
                "".into(),
                w.admin,
                w.token.address(),
                w.vault.address(),
                w.registry.address(),
                w.implementation,
                U256::from(1),
            )
            .unwrap_err();
    assert!(matches!(err, Error::AlreadyInitialized(_)));
    // A clone set up by the constructor (its own storage), then never again.
    let clone = Contract::<Membership>::new();
    clone
        .sender(w.admin)
        .constructor(
            "C".into(),
            "C".into(),
            "".into(),
            w.admin,
            w.token.address(),
            w.vault.address(),
            w.registry.address(),
            w.implementation,
            U256::from(1),
        )
        .unwrap();
    assert_eq!(clone.sender(w.admin).owner_of(U256::ZERO).unwrap(), w.admin);
    let again = clone.sender(w.admin).constructor(
        "C".into(),
        "C".into(),
        "".into(),
        w.admin,
        w.token.address(),
        w.vault.address(),
        w.registry.address(),
        w.implementation,
        U256::from(1),
    );
    assert!(matches!(again, Err(Error::AlreadyInitialized(_))));
}

#[motsu::test]
fn setup_rejects_zero_config() {
    let w = world();
    let ok =
        [w.admin, w.token.address(), w.vault.address(), w.registry.address(), w.implementation];
    for i in 0..ok.len() {
        let mut a = ok;
        a[i] = Address::ZERO;
        let m = Contract::<Membership>::new();
        let err = m
            .sender(w.admin)
            .constructor(
                "".into(),
                "".into(),
                "".into(),
                a[0],
                a[1],
                a[2],
                a[3],
                a[4],
                U256::from(1),
            )
            .unwrap_err();
        assert!(matches!(err, Error::InvalidConfig(_)), "zero at {i}");
    }
    let m = Contract::<Membership>::new();
    let err = m
        .sender(w.admin)
        .constructor("".into(), "".into(), "".into(), ok[0], ok[1], ok[2], ok[3], ok[4], U256::ZERO)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)));
}

#[motsu::test]
fn setup_fails_when_the_registry_fails() {
    let w = world();
    w.registry.sender(w.admin).set_fail(true);
    let err = w.setup().unwrap_err();
    assert!(
        matches!(err, Error::AccountCreationFailed(AccountCreationFailed { registry, tokenId }) if registry == w.registry.address() && tokenId.is_zero())
    );
}

#[motsu::test]
fn join_with_erc20_leaves_shares_in_the_account() {
    let w = world();
    w.setup().unwrap();
    let alice = Address::repeat_byte(0xa1);
    w.token.sender(alice).mint(alice, U256::from(5 * STAKE)).unwrap();
    w.token.sender(alice).approve(w.m.address(), U256::from(STAKE)).unwrap();
    let id = w.m.sender(alice).join().unwrap();
    assert_eq!(id, U256::from(1));
    assert_eq!(w.m.sender(alice).owner_of(id).unwrap(), alice);
    let account = w.account(1);
    assert_eq!(w.vault.sender(alice).shares_of(account), U256::from(STAKE));
    assert_eq!(w.token.sender(alice).balance_of(alice), U256::from(4 * STAKE));
    assert_eq!(w.token.sender(alice).balance_of(w.vault.address()), U256::from(STAKE));
    assert_eq!(w.token.sender(alice).balance_of(w.m.address()), U256::ZERO);
    assert_eq!(w.token.sender(alice).allowance(w.m.address(), w.vault.address()), U256::ZERO);
    w.m.assert_emitted(&Joined {
        member: alice,
        tokenId: id,
        account,
        assets: U256::from(STAKE),
        shares: U256::from(STAKE),
    });
    assert_eq!(w.m.sender(alice).next_token_id(), U256::from(2));
    assert_eq!(w.m.sender(alice).token_uri(id).unwrap(), "ipfs://cm/".to_string() + "1");
}

#[motsu::test]
fn join_without_allowance_fails() {
    let w = world();
    w.setup().unwrap();
    let bob = Address::repeat_byte(0xb0);
    w.token.sender(bob).mint(bob, U256::from(STAKE)).unwrap();
    let err = w.m.sender(bob).join().unwrap_err();
    assert!(
        matches!(err, Error::TokenCallFailed(TokenCallFailed { token }) if token == w.token.address())
    );
}

/// A set-up world and a member holding ten stakes in ETH.
fn world_with_eth_member() -> (World, Account) {
    let w = world();
    w.setup().unwrap();
    let carol = Account::from_seed("carol");
    carol.fund(U256::from(10 * STAKE));
    (w, carol)
}

#[motsu::test]
fn join_with_eth_sends_it_to_the_vault_to_wrap() {
    let (w, carol) = world_with_eth_member();
    let err = w.m.sender_and_value(carol.address(), U256::from(STAKE - 1)).join().unwrap_err();
    assert!(
        matches!(err, Error::WrongEthAmount(WrongEthAmount { sent, stake }) if sent == U256::from(STAKE - 1) && stake == U256::from(STAKE))
    );
    // (motsu keeps the value of a reverted call where it was sent: compare around the join)
    let held_before = eth_of(w.m.address());
    let id = w.m.sender_and_value(carol.address(), U256::from(STAKE)).join().unwrap();
    assert_eq!(w.vault.sender(carol.address()).shares_of(w.account(1)), U256::from(STAKE));
    assert_eq!(w.m.sender(carol.address()).owner_of(id).unwrap(), carol.address());
    assert_eq!(w.token.sender(carol.address()).balance_of(w.vault.address()), U256::from(STAKE));
    // Through `depositEth`: membership never held, approved or handed over the token.
    assert_eq!(w.vault.sender(carol.address()).eth_deposits(), U256::from(1));
    assert_eq!(w.token.sender(carol.address()).balance_of(w.m.address()), U256::ZERO);
    assert_eq!(
        w.token.sender(carol.address()).allowance(w.m.address(), w.vault.address()),
        U256::ZERO
    );
    assert_eq!(eth_of(w.m.address()), held_before);
    w.m.assert_emitted(&Joined {
        member: carol.address(),
        tokenId: id,
        account: w.account(1),
        assets: U256::from(STAKE),
        shares: U256::from(STAKE),
    });
}

#[motsu::test]
fn join_with_eth_fails_when_the_vault_refuses_it() {
    let (w, carol) = world_with_eth_member();
    w.vault.sender(w.admin).set_fail(true);
    let err = w.m.sender_and_value(carol.address(), U256::from(STAKE)).join().unwrap_err();
    assert!(
        matches!(err, Error::DepositFailed(DepositFailed { vault, assets }) if vault == w.vault.address() && assets == U256::from(STAKE))
    );
    assert_eq!(w.vault.sender(carol.address()).eth_deposits(), U256::ZERO);
}

#[motsu::test]
fn join_fails_when_the_vault_fails_or_before_setup() {
    let w = world();
    let alice = Address::repeat_byte(0xa1);
    assert!(matches!(w.m.sender(alice).join(), Err(Error::NotInitialized(_))));
    w.setup().unwrap();
    w.token.sender(alice).mint(alice, U256::from(STAKE)).unwrap();
    w.token.sender(alice).approve(w.m.address(), U256::from(STAKE)).unwrap();
    w.vault.sender(alice).set_fail(true);
    let err = w.m.sender(alice).join().unwrap_err();
    assert!(
        matches!(err, Error::DepositFailed(DepositFailed { vault, assets }) if vault == w.vault.address() && assets == U256::from(STAKE))
    );
}

#[motsu::test]
fn join_fails_when_the_registry_fails() {
    let w = world();
    w.setup().unwrap();
    let alice = Address::repeat_byte(0xa1);
    w.token.sender(alice).mint(alice, U256::from(STAKE)).unwrap();
    w.token.sender(alice).approve(w.m.address(), U256::from(STAKE)).unwrap();
    w.registry.sender(alice).set_fail(true);
    let err = w.m.sender(alice).join().unwrap_err();
    assert!(
        matches!(err, Error::AccountCreationFailed(AccountCreationFailed { tokenId, .. }) if tokenId == U256::from(1))
    );
}

#[motsu::test]
fn supports_erc721_interfaces() {
    let w = world();
    w.setup().unwrap();
    for id in ["80ac58cd", "5b5e139f", "01ffc9a7"] {
        let id = B32::from_slice(&alloy_primitives::hex::decode(id).unwrap());
        assert!(w.m.sender(w.admin).supports_interface(id));
    }
    assert!(!w.m.sender(w.admin).supports_interface(B32::repeat_byte(0xff)));
}

/// `who` joins with the ERC-20 stake; returns the token id.
fn join_erc20(w: &World, who: Address) -> U256 {
    w.token.sender(who).mint(who, U256::from(STAKE)).unwrap();
    w.token.sender(who).approve(w.m.address(), U256::from(STAKE)).unwrap();
    w.m.sender(who).join().unwrap()
}

#[motsu::test]
fn transfer_count_counts_every_transfer_of_a_token() {
    let w = world();
    w.setup().unwrap();
    let (alice, bob, carol) =
        (Address::repeat_byte(0xa1), Address::repeat_byte(0xb0), Address::repeat_byte(0xc0));
    let id = join_erc20(&w, alice);
    let other = join_erc20(&w, carol);
    let count = |id: U256| w.m.sender(alice).transfer_count(id);
    // Minted: 0 (so is an id never minted, and the pool NFT).
    assert_eq!(
        (count(id), count(U256::ZERO), count(U256::from(99))),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    let transfer_events = |n: usize| {
        let events = w.m.all_events();
        let last = &events[events.len() - n..];
        last.iter()
            .map(|e| {
                erc721::Transfer::decode_log_data(e, true)
                    .map(|t| (t.from, t.to, t.token_id))
                    .unwrap()
            })
            .collect::<Vec<_>>()
    };
    // Each of the three transfer functions counts one, and emits exactly its `Transfer`.
    let before = w.m.all_events().len();
    w.m.sender(alice).transfer_from(alice, bob, id).unwrap();
    assert_eq!(count(id), U256::from(1));
    assert_eq!(w.m.all_events().len(), before + 1);
    assert_eq!(transfer_events(1)[0], (alice, bob, id));
    w.m.sender(bob).safe_transfer_from(bob, alice, id).unwrap();
    assert_eq!(count(id), U256::from(2));
    assert_eq!(w.m.all_events().len(), before + 2);
    assert_eq!(transfer_events(1)[0], (bob, alice, id));
    w.m.sender(alice)
        .safe_transfer_from_with_data(alice, bob, id, Bytes::from(vec![1u8, 2, 3]))
        .unwrap();
    assert_eq!(count(id), U256::from(3));
    assert_eq!(w.m.all_events().len(), before + 3);
    assert_eq!(transfer_events(1)[0], (alice, bob, id));
    // A transfer by an approved operator counts too; back to the first owner is a new epoch.
    w.m.sender(bob).approve(carol, id).unwrap();
    assert_eq!(count(id), U256::from(3), "approval is not a transfer");
    w.m.sender(carol).transfer_from(bob, alice, id).unwrap();
    assert_eq!(count(id), U256::from(4));
    assert_eq!(w.m.sender(alice).owner_of(id).unwrap(), alice);
    // Other tokens keep their own count.
    assert_eq!((count(other), count(U256::ZERO)), (U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn a_failed_transfer_counts_nothing() {
    let w = world();
    w.setup().unwrap();
    let (alice, eve) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xee));
    let id = join_erc20(&w, alice);
    let before = w.m.all_events().len();
    // Not approved, wrong owner, nonexistent token, zero receiver: each reverts (reverted as
    // on chain: `motsu_unwrap_err`), nothing counted.
    let err = w.m.sender(eve).transfer_from(alice, eve, id).motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientApproval(_)));
    let err = w.m.sender(alice).safe_transfer_from(eve, alice, id).motsu_unwrap_err();
    assert!(matches!(err, Error::IncorrectOwner(_)));
    let err =
        w.m.sender(alice)
            .safe_transfer_from_with_data(alice, eve, U256::from(7), Bytes::from(Vec::new()))
            .motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
    let err = w.m.sender(alice).transfer_from(alice, Address::ZERO, id).motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidReceiver(_)));
    assert_eq!(w.m.sender(alice).transfer_count(id), U256::ZERO);
    assert_eq!(w.m.sender(alice).transfer_count(U256::from(7)), U256::ZERO);
    assert_eq!(w.m.all_events().len(), before, "no event from a failed transfer");
    assert_eq!(w.m.sender(alice).owner_of(id).unwrap(), alice);
}

/// The three transfer functions, by index, from `from` to `to` as `who`.
fn transfer(
    w: &World,
    how: usize,
    who: Address,
    from: Address,
    to: Address,
    id: U256,
) -> Result<(), Error> {
    match how {
        0 => w.m.sender(who).transfer_from(from, to, id),
        1 => w.m.sender(who).safe_transfer_from(from, to, id),
        _ => w.m.sender(who).safe_transfer_from_with_data(from, to, id, Bytes::from(vec![7u8])),
    }
}

fn cycle(id: U256, to: Address) -> Error {
    Error::OwnershipCycle(OwnershipCycle { tokenId: id, to })
}

fn assert_refused(w: &World, err: Error, expected: Error, owner: Address, id: U256) {
    assert_eq!(alloc::vec::Vec::<u8>::from(err), alloc::vec::Vec::<u8>::from(expected));
    assert_eq!(w.m.sender(owner).owner_of(id).unwrap(), owner, "the token stays put");
    assert_eq!(w.m.sender(owner).transfer_count(id), U256::ZERO, "nothing counted");
}

#[motsu::test]
fn no_transfer_moves_a_token_into_its_own_account() {
    let w = world();
    w.setup().unwrap();
    let (alice, carol) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xc0));
    let id = join_erc20(&w, alice);
    let own = w.deployed_account(1);
    // Any ERC-6551 account of the token is its own, whatever registry or salt made it.
    let other_salt = Address::repeat_byte(0x5a);
    set_code(
        other_salt,
        proxy_runtime(&AccountContext { salt: B256::repeat_byte(1), ..w.context(1) }).to_vec(),
    );
    w.m.sender(alice).set_approval_for_all(carol, true).unwrap();
    let before = w.m.all_events().len();
    for how in 0..3 {
        for (who, to) in [(alice, own), (carol, own), (alice, other_salt)] {
            let err = transfer(&w, how, who, alice, to, id).motsu_unwrap_err();
            assert_refused(&w, err, cycle(id, to), alice, id);
        }
    }
    // The pool NFT too.
    let pool = w.deployed_account(0);
    let err = w.m.sender(w.admin).transfer_from(w.admin, pool, U256::ZERO).motsu_unwrap_err();
    assert_refused(&w, err, cycle(U256::ZERO, pool), w.admin, U256::ZERO);
    assert_eq!(w.m.all_events().len(), before, "no event from a refused transfer");
}

#[motsu::test]
fn no_transfer_moves_a_token_into_an_account_its_account_holds() {
    let w = world();
    w.setup().unwrap();
    let alice = Address::repeat_byte(0xa1);
    let ids: Vec<U256> = (0..3).map(|_| join_erc20(&w, alice)).collect();
    let accounts: Vec<Address> = (1..=3).map(|i| w.deployed_account(i)).collect();
    // Token 2 into token 1's account and token 3 into token 2's: a nesting, no cycle.
    w.m.sender(alice).transfer_from(alice, accounts[0], ids[1]).unwrap();
    w.m.sender(alice).transfer_from(alice, accounts[1], ids[2]).unwrap();
    assert_eq!(w.m.sender(alice).owner_of(ids[2]).unwrap(), accounts[1]);
    // Token 1 into the account of a token its account holds, one or two levels down.
    for how in 0..3 {
        for to in [accounts[1], accounts[2]] {
            let err = transfer(&w, how, alice, alice, to, ids[0]).motsu_unwrap_err();
            assert_refused(&w, err, cycle(ids[0], to), alice, ids[0]);
        }
    }
    // Token 2, held by token 1's account, into token 3's account (which it holds).
    let err =
        w.m.sender(accounts[0]).transfer_from(accounts[0], accounts[2], ids[1]).motsu_unwrap_err();
    assert_eq!(
        alloc::vec::Vec::<u8>::from(err),
        alloc::vec::Vec::<u8>::from(cycle(ids[1], accounts[2]))
    );
    // Out of the nesting, the same token moves freely again.
    w.m.sender(accounts[0]).transfer_from(accounts[0], alice, ids[1]).unwrap();
    w.m.sender(alice).transfer_from(alice, accounts[2], ids[0]).unwrap();
}

#[motsu::test]
fn accounts_of_other_collections_or_chains_are_ordinary_receivers() {
    let w = world();
    w.setup().unwrap();
    let alice = Address::repeat_byte(0xa1);
    let id = join_erc20(&w, alice);
    let (elsewhere, other_chain, never_minted) =
        (Address::repeat_byte(0xe1), Address::repeat_byte(0xe2), Address::repeat_byte(0xe3));
    let other_nft = AccountContext { token_contract: Address::repeat_byte(0x77), ..w.context(1) };
    set_code(elsewhere, proxy_runtime(&other_nft).to_vec());
    set_code(
        other_chain,
        proxy_runtime(&AccountContext { chain_id: U256::from(1), ..w.context(1) }).to_vec(),
    );
    set_code(never_minted, proxy_runtime(&w.context(50)).to_vec());
    w.m.sender(alice).transfer_from(alice, elsewhere, id).unwrap();
    w.m.sender(elsewhere).transfer_from(elsewhere, other_chain, id).unwrap();
    w.m.sender(other_chain).transfer_from(other_chain, never_minted, id).unwrap();
    assert_eq!(w.m.sender(alice).transfer_count(id), U256::from(3));
}

#[motsu::test]
fn nesting_beyond_the_walk_is_refused() {
    let w = world();
    w.setup().unwrap();
    let alice = Address::repeat_byte(0xa1);
    let depth = crate::cycles::MAX_NESTING as u64;
    let ids: Vec<U256> = (0..=depth + 1).map(|_| join_erc20(&w, alice)).collect();
    let accounts: Vec<Address> = (1..=depth + 2).map(|i| w.deployed_account(i)).collect();
    // Token k+1 into token k's account: the deepest receiver sits under `depth` accounts.
    for k in 0..depth as usize {
        w.m.sender(alice).transfer_from(alice, accounts[k], ids[k + 1]).unwrap();
    }
    // The walk still sees a cycle at its last level...
    let deepest = accounts[depth as usize - 1];
    let err = w.m.sender(alice).transfer_from(alice, deepest, ids[0]).motsu_unwrap_err();
    assert_refused(&w, err, cycle(ids[0], deepest), alice, ids[0]);
    // ...and refuses one level more, where it cannot look.
    let too_deep = accounts[depth as usize];
    let last = ids[depth as usize + 1];
    let err = w.m.sender(alice).transfer_from(alice, too_deep, last).motsu_unwrap_err();
    let expected = Error::NestingTooDeep(NestingTooDeep { tokenId: last, to: too_deep });
    assert_refused(&w, err, expected, alice, last);
}

proptest::proptest! {
    #[test]
    fn decimal_matches_display(limbs in proptest::prelude::any::<[u64; 4]>(), small in 0u64..1000) {
        let v = U256::from_limbs(limbs);
        proptest::prop_assert_eq!(decimal(v), v.to_string());
        proptest::prop_assert_eq!(decimal(U256::from(small)), small.to_string());
    }
}
