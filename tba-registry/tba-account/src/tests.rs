//! Unit tests (motsu). motsu cannot hold EVM code, deploy, advance time or show
//! reentrancy: the proxy's code is substituted through `code_override` (what the account
//! reads as its own code), and the local-chain tests cover deployment behind the real
//! proxy, DELEGATECALL through the sandbox, CREATE/CREATE2, expiry over time and
//! reentrant hooks during `execute`.
use alloc::vec;
use std::{cell::RefCell, collections::HashMap};

use alloy_primitives::{fixed_bytes, hex, keccak256, Address, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::{eip712_domain, sol, SolCall, SolError, SolStruct, SolValue};
use compute_fi_contracts::{
    access::{AccessControlUnauthorizedAccount, OWNER_ROLE},
    interfaces::tba::{proxy_runtime, AccountContext},
    signatures::HALF_ORDER,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::{Erc721, IErc721};
use proptest::prelude::*;
use stylus_sdk::{
    storage::{StorageMap, StorageU256},
    stylus_core::calls::context::Call,
};

use super::*;
use crate::executor::revert_data;

std::thread_local! {
    static CODE: RefCell<HashMap<Address, Vec<u8>>> = RefCell::new(HashMap::new());
}

/// Code motsu cannot hold: what `code_at` sees for `account` in tests.
pub(crate) fn code_override(account: Address) -> Option<Vec<u8>> {
    CODE.with(|c| c.borrow().get(&account).cloned())
}

fn set_code(account: Address, code: Vec<u8>) {
    CODE.with(|c| c.borrow_mut().insert(account, code));
}

const CHAIN: u64 = 42161;
const NOW: u64 = 1_735_689_600;

sol! {
    error TargetFailed(uint256 code);
    function ping(uint256 x) external payable returns (uint256);
    function pong() external;
    function fail() external;
    struct TbaMessage { bytes32 hash; }
}

/// An ERC-721 to own accounts. By default a foreign collection without epochs (its
/// `transferCount` reverts); `set_epochs(true)` makes it count transfers like membership.
#[entrypoint]
#[storage]
pub struct TestNft {
    erc721: Erc721,
    epochs: StorageBool,
    transfers: StorageMap<U256, StorageU256>,
}

#[public]
impl TestNft {
    pub fn mint(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        self.erc721._mint(to, id).map_err(Into::into)
    }
    pub fn owner_of(&self, id: U256) -> Result<Address, Vec<u8>> {
        self.erc721.owner_of(id).map_err(Into::into)
    }
    pub fn transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        self.count(id);
        self.erc721.transfer_from(from, to, id).map_err(Into::into)
    }
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
    ) -> Result<(), Vec<u8>> {
        self.count(id);
        self.erc721.safe_transfer_from(from, to, id).map_err(Into::into)
    }
    pub fn set_epochs(&mut self, on: bool) {
        self.epochs.set(on);
    }
    pub fn transfer_count(&self, id: U256) -> Result<U256, Vec<u8>> {
        if !self.epochs.get() {
            return Err(b"no such function".to_vec());
        }
        Ok(self.transfers.get(id))
    }
}

impl TestNft {
    fn count(&mut self, id: U256) {
        let next = self.transfers.get(id) + U256::from(1);
        self.transfers.setter(id).set(next);
    }
}

/// An ERC-721 whose unknown functions (so `transferCount`) answer the first `len` bytes of
/// the word `answer` (which may be fewer than 32).
#[storage]
pub struct OddNft {
    erc721: Erc721,
    answer: StorageU256,
    len: StorageU256,
}
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for OddNft {}

#[public]
impl OddNft {
    pub fn mint(&mut self, to: Address, id: U256) -> Result<(), Vec<u8>> {
        self.erc721._mint(to, id).map_err(Into::into)
    }
    pub fn owner_of(&self, id: U256) -> Result<Address, Vec<u8>> {
        self.erc721.owner_of(id).map_err(Into::into)
    }
    pub fn set_answer(&mut self, answer: U256, len: U256) {
        self.answer.set(answer);
        self.len.set(len);
    }
    #[fallback]
    fn fallback(&self, _calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let mut out = self.answer.get().to_be_bytes::<32>().to_vec();
        out.resize(self.len.get().to::<usize>(), 0xee);
        Ok(out)
    }
}

/// A call target that records calls.
#[storage]
pub struct Target {
    total: StorageU256,
    received: StorageU256,
}
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for Target {}

#[public]
impl Target {
    #[payable]
    pub fn ping(&mut self, x: U256) -> U256 {
        self.total.set(self.total.get() + x);
        self.received.set(self.received.get() + self.vm().msg_value());
        self.total.get()
    }
    pub fn pong(&mut self) {}
    pub fn fail(&mut self) -> Result<(), Vec<u8>> {
        Err(TargetFailed { code: U256::from(7) }.abi_encode())
    }
    pub fn total(&self) -> U256 {
        self.total.get()
    }
}

/// An ERC-1271 signer answering a fixed verdict.
#[storage]
pub struct Signer1271 {
    ok: StorageBool,
}
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for Signer1271 {}

#[public]
impl Signer1271 {
    pub fn set(&mut self, ok: bool) {
        self.ok.set(ok);
    }
    pub fn is_valid_signature(&self, _hash: B256, signature: Bytes) -> B32 {
        if self.ok.get() && signature.as_ref() == b"sig" {
            MAGIC_1271
        } else {
            INVALID_1271
        }
    }
    /// Lets the contract own and move NFTs.
    pub fn move_nft(&mut self, nft: Address, to: Address, id: U256) -> Result<(), Vec<u8>> {
        let data =
            [&hex!("23b872dd")[..], &(self.vm().contract_address(), to, id).abi_encode()].concat();
        self.vm().call(&Call::new(), nft, &data).map(|_| ()).map_err(revert_data)
    }
}

fn ctx_for(nft: Address, id: u64) -> AccountContext {
    AccountContext {
        implementation: Address::repeat_byte(0x1e),
        salt: B256::ZERO,
        chain_id: U256::from(CHAIN),
        token_contract: nft,
        token_id: U256::from(id),
    }
}

/// An account bound to token `id` of `nft`, minted to `owner`.
fn setup(nft: &Contract<TestNft>, account: &Contract<TbaAccount>, owner: Address, id: u64) {
    VM::context().set_chain_id(CHAIN);
    set_code(account.address(), proxy_runtime(&ctx_for(nft.address(), id)).to_vec());
    nft.sender(owner).mint(owner, U256::from(id)).unwrap();
}

/// The refusal of `caller` for not being the token's owner.
fn refusal(caller: Address) -> AccessControlUnauthorizedAccount {
    AccessControlUnauthorizedAccount { account: caller, needed_role: OWNER_ROLE }
}

fn err_bytes<E: SolError>(e: E) -> Vec<u8> {
    e.abi_encode()
}

fn ping_data(x: u64) -> Bytes {
    pingCall { x: U256::from(x) }.abi_encode().into()
}

fn ping_sel() -> B32 {
    B32::from(pingCall::SELECTOR)
}

#[test]
fn interface_ids_are_the_standard_ones() {
    let sel = |s: &str| u32::from_be_bytes(keccak256(s)[..4].try_into().unwrap());
    let account = sel("token()") ^ sel("state()") ^ sel("isValidSigner(address,bytes)");
    assert_eq!(B32::from(account.to_be_bytes()), IID_ERC6551_ACCOUNT);
    let exec = sel("execute(address,uint256,bytes,uint8)");
    assert_eq!(B32::from(exec.to_be_bytes()), IID_ERC6551_EXECUTABLE);
    assert_eq!(B32::from(sel("supportsInterface(bytes4)").to_be_bytes()), IID_ERC165);
    assert_eq!(B32::from(sel("isValidSignature(bytes32,bytes)").to_be_bytes()), IID_ERC1271);
    assert_eq!(
        B32::from(sel("onERC721Received(address,address,uint256,bytes)").to_be_bytes()),
        IID_ERC721_RECEIVER
    );
    let r1155 = sel("onERC1155Received(address,address,uint256,uint256,bytes)")
        ^ sel("onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)");
    assert_eq!(B32::from(r1155.to_be_bytes()), IID_ERC1155_RECEIVER);
    assert_eq!(B32::from(sel("isValidSigner(address,bytes)").to_be_bytes()), MAGIC_SIGNER);
    assert_eq!(
        B32::from(sel("onERC1155Received(address,address,uint256,uint256,bytes)").to_be_bytes()),
        ERC1155_RECEIVED
    );
    assert_eq!(
        B32::from(
            sel("onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)").to_be_bytes()
        ),
        ERC1155_BATCH_RECEIVED
    );
}

#[motsu::test]
fn supports_standard_interfaces(account: Contract<TbaAccount>, alice: Address) {
    for id in [
        IID_ERC165,
        IID_ERC6551_ACCOUNT,
        IID_ERC6551_EXECUTABLE,
        IID_ERC1271,
        IID_ERC721_RECEIVER,
        IID_ERC1155_RECEIVER,
    ] {
        assert!(account.sender(alice).supports_interface(id));
    }
    assert!(!account.sender(alice).supports_interface(fixed_bytes!("ffffffff")));
    assert!(!account.sender(alice).supports_interface(fixed_bytes!("80ac58cd")));
}

#[test]
fn sandbox_code_is_the_documented_bytes() {
    let account = Address::repeat_byte(0xab);
    let code = sandbox_init_code(account);
    let expected = hex!(
        "60458060093d393df3" "73abababababababababababababababababababab"
        "3314601d573d3dfd" "5b601436036014" "3d37" "3d3d601436033d3d3560601c5af4"
        "3d600080" "3e" "6040573d6000fd" "5b3d6000f3"
    );
    assert_eq!(code, expected);
    assert_eq!(code.len() - 9, 0x45, "constructor copies the 69-byte runtime");
    // Jump targets land on JUMPDESTs of the runtime.
    assert_eq!(code[9 + 0x1d], 0x5b);
    assert_eq!(code[9 + 0x40], 0x5b);
    assert_eq!(sandbox_address(account), account.create2(SANDBOX_SALT, keccak256(code)));
}

#[motsu::test]
fn token_and_owner_come_from_the_proxy_code(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    alice: Address,
    bob: Address,
) {
    setup(&nft, &account, alice, 1);
    assert_eq!(
        account.sender(bob).token().unwrap(),
        (U256::from(CHAIN), nft.address(), U256::from(1))
    );
    assert_eq!(account.sender(bob).owner().unwrap(), alice);
    nft.sender(alice).transfer_from(alice, bob, U256::from(1)).unwrap();
    assert_eq!(account.sender(bob).owner().unwrap(), bob);
    // A token on another chain has no owner here.
    let mut other = ctx_for(nft.address(), 1);
    other.chain_id = U256::from(1);
    set_code(account.address(), proxy_runtime(&other).to_vec());
    assert_eq!(account.sender(bob).owner().unwrap(), Address::ZERO);
    assert_eq!(account.sender(bob).is_valid_signer(bob, Bytes::from(Vec::new())), B32::ZERO);
}

#[motsu::test]
fn refuses_to_act_without_the_proxy_code(account: Contract<TbaAccount>, alice: Address) {
    let not = Error::NotAnAccount(NotAnAccount {});
    assert!(matches!(account.sender(alice).token(), Err(Error::NotAnAccount(_))));
    assert!(matches!(account.sender(alice).owner(), Err(Error::NotAnAccount(_))));
    let err = account
        .sender(alice)
        .execute(alice, U256::ZERO, Bytes::from(Vec::new()), OP_CALL)
        .unwrap_err();
    assert_eq!(err, Vec::<u8>::from(not));
    assert!(matches!(account.sender(alice).lock(NOW + 10), Err(Error::NotAnAccount(_))));
    assert_eq!(account.sender(alice).is_valid_signer(alice, Bytes::from(Vec::new())), B32::ZERO);
    // A corrupted proxy is not an account either.
    let mut code = proxy_runtime(&ctx_for(Address::repeat_byte(1), 1)).to_vec();
    code[0x1e] = 0;
    set_code(account.address(), code);
    assert!(matches!(account.sender(alice).token(), Err(Error::NotAnAccount(_))));
}

#[motsu::test]
fn owner_executes_calls_with_value_and_state_changes(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
) {
    setup(&nft, &account, alice, 1);
    alice.fund(U256::from(1000));
    let s0 = account.sender(alice).state();
    let out = account
        .sender_and_value(alice, U256::from(100))
        .execute(target.address(), U256::from(40), ping_data(5), OP_CALL)
        .unwrap();
    assert_eq!(U256::from_be_slice(&out), U256::from(5));
    assert_eq!(target.sender(alice).total(), U256::from(5));
    assert_eq!(target.balance(), U256::from(40));
    assert_eq!(account.balance(), U256::from(60));
    assert_eq!(account.sender(alice).state(), s0 + U256::from(1));
}

#[motsu::test]
fn execute_rejects_strangers_and_bad_operations(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    eve: Address,
) {
    setup(&nft, &account, alice, 1);
    let err = account
        .sender(eve)
        .execute(target.address(), U256::ZERO, ping_data(1), OP_CALL)
        .unwrap_err();
    assert_eq!(err, err_bytes(refusal(eve)));
    let err =
        account.sender(alice).execute(target.address(), U256::ZERO, ping_data(1), 4).unwrap_err();
    assert_eq!(err, err_bytes(InvalidOperation { operation: 4 }));
    let err = account
        .sender(alice)
        .execute(target.address(), U256::from(1), ping_data(1), OP_DELEGATECALL)
        .unwrap_err();
    assert_eq!(err, err_bytes(InvalidOperation { operation: 1 }));
    let err = account
        .sender(alice)
        .execute(Address::ZERO, U256::ZERO, Bytes::from(vec![0u8; 31]), OP_CREATE2)
        .unwrap_err();
    assert_eq!(err, err_bytes(InvalidOperation { operation: 3 }));
    assert_eq!(account.sender(alice).state(), U256::ZERO, "nothing ran");
}

#[motsu::test]
fn execute_bubbles_revert_data(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
) {
    setup(&nft, &account, alice, 1);
    let err = account
        .sender(alice)
        .execute(target.address(), U256::ZERO, failCall {}.abi_encode().into(), OP_CALL)
        .unwrap_err();
    assert_eq!(err, err_bytes(TargetFailed { code: U256::from(7) }));
}

#[motsu::test]
fn batch_runs_all_or_rejects(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    eve: Address,
) {
    setup(&nft, &account, alice, 1);
    let t = target.address();
    account
        .sender(alice)
        .execute_batch(
            vec![t, t],
            vec![U256::ZERO, U256::ZERO],
            vec![ping_data(2), ping_data(3)],
            vec![0, 0],
        )
        .unwrap();
    assert_eq!(target.sender(alice).total(), U256::from(5));
    assert_eq!(account.sender(alice).state(), U256::from(1));
    let err = account
        .sender(alice)
        .execute_batch(vec![t], vec![], vec![ping_data(2)], vec![0])
        .unwrap_err();
    assert_eq!(err, err_bytes(BatchLengthMismatch {}));
    let err = account
        .sender(eve)
        .execute_batch(vec![t], vec![U256::ZERO], vec![ping_data(2)], vec![0])
        .unwrap_err();
    assert_eq!(err, err_bytes(refusal(eve)));
    assert_eq!(target.sender(alice).total(), U256::from(5));
}

#[motsu::test]
fn lock_blocks_execution_grants_and_signing(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    eve: Address,
    agent: Address,
) {
    setup(&nft, &account, alice, 1);
    let err = account.sender(eve).lock(NOW + 10).unwrap_err();
    assert!(
        matches!(err, Error::AccessControlUnauthorizedAccount(e) if e.account == eve && e.needed_role == OWNER_ROLE)
    );
    let err = account.sender(alice).lock(NOW + MAX_LOCK + 1).unwrap_err();
    assert!(
        matches!(err, Error::LockTooLong(LockTooLong { until, max }) if until == NOW + MAX_LOCK + 1 && max == NOW + MAX_LOCK)
    );
    // A lock in the past (or now) locks nothing.
    account.sender(alice).lock(NOW).unwrap();
    assert!(!account.sender(alice).is_locked());
    account.sender(alice).lock(NOW + MAX_LOCK).unwrap();
    account.assert_emitted(&LockUpdated { lockedUntil: NOW + MAX_LOCK });
    assert!(account.sender(alice).is_locked());
    assert_eq!(account.sender(alice).locked_until(), NOW + MAX_LOCK);
    let locked = AccountLocked { lockedUntil: NOW + MAX_LOCK };
    let err = account
        .sender(alice)
        .execute(target.address(), U256::ZERO, ping_data(1), OP_CALL)
        .unwrap_err();
    assert_eq!(err, err_bytes(locked.clone()));
    let err = account
        .sender(alice)
        .execute_batch(vec![target.address()], vec![U256::ZERO], vec![ping_data(1)], vec![0])
        .unwrap_err();
    assert_eq!(err, err_bytes(locked.clone()));
    assert!(matches!(account.sender(alice).lock(NOW + 1), Err(Error::AccountLocked(_))));
    assert!(matches!(
        account.sender(alice).grant_delegate(agent, NOW + 10, true, vec![], vec![]),
        Err(Error::AccountLocked(_))
    ));
    assert!(matches!(account.sender(alice).revoke_delegate(agent), Err(Error::AccountLocked(_))));
    assert_eq!(account.sender(alice).is_valid_signer(alice, Bytes::from(Vec::new())), B32::ZERO);
    assert_eq!(account.sender(alice).state(), U256::from(2), "two successful locks");
}

#[motsu::test]
fn delegates_act_within_scope_only(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    other: Contract<Target>,
    alice: Address,
    agent: Address,
) {
    setup(&nft, &account, alice, 1);
    let t = target.address();
    let id = account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, false, vec![t], vec![ping_sel()])
        .unwrap();
    assert_eq!(id, 1);
    account.assert_emitted(&DelegateGranted {
        owner: alice,
        delegate: agent,
        expiry: NOW + 100,
        canSign: false,
        grantId: 1,
    });
    account.assert_emitted(&DelegateScope {
        delegate: agent,
        grantId: 1,
        target: t,
        selector: ping_sel(),
    });
    assert_eq!(account.sender(agent).delegate_grant(agent).unwrap(), (NOW + 100, false, 1));
    assert!(account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap());

    account.sender(agent).execute(t, U256::ZERO, ping_data(4), OP_CALL).unwrap();
    assert_eq!(target.sender(alice).total(), U256::from(4));
    let denied = err_bytes(refusal(agent));
    // Other selector, other target, value, other operations, the account itself.
    assert_eq!(
        account
            .sender(agent)
            .execute(t, U256::ZERO, pongCall {}.abi_encode().into(), OP_CALL)
            .unwrap_err(),
        denied
    );
    assert_eq!(
        account
            .sender(agent)
            .execute(other.address(), U256::ZERO, ping_data(1), OP_CALL)
            .unwrap_err(),
        denied
    );
    assert_eq!(
        account.sender(agent).execute(t, U256::from(1), ping_data(1), OP_CALL).unwrap_err(),
        denied
    );
    assert_eq!(
        account.sender(agent).execute(t, U256::ZERO, ping_data(1), OP_CREATE).unwrap_err(),
        denied
    );
    assert_eq!(
        account
            .sender(agent)
            .execute(t, U256::ZERO, Bytes::from(vec![0u8; 3]), OP_CALL)
            .unwrap_err(),
        denied
    );
    // Not a signer without canSign.
    assert_eq!(account.sender(agent).is_valid_signer(agent, Bytes::from(Vec::new())), B32::ZERO);
    // Only the owner grants and revokes.
    assert!(matches!(
        account.sender(agent).grant_delegate(agent, NOW + 100, true, vec![], vec![]),
        Err(Error::AccessControlUnauthorizedAccount(_))
    ));
    assert!(
        matches!(account.sender(agent).revoke_delegate(agent), Err(Error::AccessControlUnauthorizedAccount(e)) if e.account == agent && e.needed_role == OWNER_ROLE)
    );
    assert!(account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap(), "still granted");
}

#[motsu::test]
fn grants_cannot_reach_the_account_or_its_sandbox(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    alice: Address,
    agent: Address,
) {
    setup(&nft, &account, alice, 1);
    let me = account.address();
    let sandbox = sandbox_address(me);
    let lock_sel = B32::from(keccak256("lock(uint64)")[..4].try_into().unwrap_or([0; 4]));
    account
        .sender(alice)
        .grant_delegate(
            agent,
            NOW + 100,
            false,
            vec![me, sandbox],
            vec![lock_sel, B32::from_slice(&sandbox[..4])],
        )
        .unwrap();
    assert!(!account.sender(agent).is_permitted(agent, me, lock_sel).unwrap());
    assert!(!account
        .sender(agent)
        .is_permitted(agent, sandbox, B32::from_slice(&sandbox[..4]))
        .unwrap());
}

#[motsu::test]
fn grant_validation(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    alice: Address,
    agent: Address,
) {
    setup(&nft, &account, alice, 1);
    assert!(
        matches!(account.sender(alice).grant_delegate(Address::ZERO, NOW + 1, false, vec![], vec![]),
        Err(Error::InvalidDelegate(InvalidDelegate { delegate })) if delegate.is_zero())
    );
    assert!(matches!(account.sender(alice).grant_delegate(alice, NOW + 1, false, vec![], vec![]),
        Err(Error::InvalidDelegate(InvalidDelegate { delegate })) if delegate == alice));
    assert!(matches!(account.sender(alice).grant_delegate(agent, NOW, false, vec![], vec![]),
        Err(Error::InvalidExpiry(InvalidExpiry { expiry, max })) if expiry == NOW && max == NOW + MAX_GRANT));
    assert!(matches!(
        account.sender(alice).grant_delegate(agent, NOW + MAX_GRANT + 1, false, vec![], vec![]),
        Err(Error::InvalidExpiry(_))
    ));
    assert!(
        matches!(account.sender(alice).grant_delegate(agent, NOW + 1, false, vec![Address::ZERO], vec![]),
        Err(Error::InvalidScopes(InvalidScopes { targets, selectors, .. })) if targets == U256::from(1) && selectors.is_zero())
    );
    let many = MAX_SCOPES + 1;
    assert!(matches!(
        account.sender(alice).grant_delegate(
            agent,
            NOW + 1,
            false,
            vec![Address::ZERO; many],
            vec![B32::ZERO; many]
        ),
        Err(Error::InvalidScopes(_))
    ));
    account.sender(alice).grant_delegate(agent, NOW + MAX_GRANT, false, vec![], vec![]).unwrap();
    assert_eq!(account.sender(alice).state(), U256::from(1));
}

#[motsu::test]
fn revocation_regrant_and_transfer_void_grants(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    bob: Address,
    agent: Address,
) {
    setup(&nft, &account, alice, 1);
    let t = target.address();
    account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, true, vec![t], vec![ping_sel()])
        .unwrap();
    account.sender(alice).revoke_delegate(agent).unwrap();
    account.assert_emitted(&DelegateRevoked { owner: alice, delegate: agent });
    assert_eq!(
        account.sender(agent).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap_err(),
        err_bytes(refusal(agent))
    );
    assert_eq!(account.sender(agent).is_valid_signer(agent, Bytes::from(Vec::new())), B32::ZERO);
    // A new grant does not revive the old scopes.
    account.sender(alice).grant_delegate(agent, NOW + 100, true, vec![], vec![]).unwrap();
    assert!(!account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap());
    assert_eq!(account.sender(agent).is_valid_signer(agent, Bytes::from(Vec::new())), MAGIC_SIGNER);
    account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, true, vec![t], vec![ping_sel()])
        .unwrap();
    assert!(account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap());
    // The NFT changes hands: the grant is void for the new owner.
    nft.sender(alice).transfer_from(alice, bob, U256::from(1)).unwrap();
    assert_eq!(
        account.sender(agent).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap_err(),
        err_bytes(refusal(agent))
    );
    assert_eq!(account.sender(agent).is_valid_signer(agent, Bytes::from(Vec::new())), B32::ZERO);
    assert_eq!(account.sender(bob).delegate_grant(agent).unwrap(), (0, false, 0));
    assert_eq!(account.sender(bob).is_valid_signer(bob, Bytes::from(Vec::new())), MAGIC_SIGNER);
    assert_eq!(account.sender(alice).is_valid_signer(alice, Bytes::from(Vec::new())), B32::ZERO);
    // The old owner cannot act any more.
    assert_eq!(
        account.sender(alice).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap_err(),
        err_bytes(refusal(alice))
    );
}

#[motsu::test]
fn a_transfer_voids_grants_for_good_when_the_collection_counts_transfers(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    bob: Address,
) {
    setup(&nft, &account, alice, 1);
    nft.sender(alice).set_epochs(true);
    let agent = Account::from_seed("agent");
    let a = agent.address();
    let (t, one) = (target.address(), U256::from(1));
    let hash = B256::repeat_byte(0x42);
    let digest = account.sender(a).replay_safe_hash(hash);
    let signs = || account.sender(a).is_valid_signature(hash, sign(&agent, digest).into());
    account.sender(alice).grant_delegate(a, NOW + 100, true, vec![t], vec![ping_sel()]).unwrap();
    assert_eq!(account.sender(a).delegate_grant(a).unwrap(), (NOW + 100, true, 1));
    account.sender(a).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap();
    assert_eq!(signs(), MAGIC_1271);
    // Sold and bought back: alice owns the NFT again, in a later epoch.
    nft.sender(alice).transfer_from(alice, bob, one).unwrap();
    nft.sender(bob).transfer_from(bob, alice, one).unwrap();
    assert_eq!(nft.sender(alice).transfer_count(one).unwrap(), U256::from(2));
    assert_eq!(account.sender(alice).owner().unwrap(), alice);
    let denied = err_bytes(refusal(a));
    assert_eq!(
        account.sender(a).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap_err(),
        denied
    );
    assert_eq!(
        account
            .sender(a)
            .execute_batch(vec![t], vec![U256::ZERO], vec![ping_data(1)], vec![0])
            .unwrap_err(),
        denied
    );
    assert!(!account.sender(a).is_permitted(a, t, ping_sel()).unwrap());
    assert_eq!(account.sender(a).is_valid_signer(a, Bytes::from(Vec::new())), B32::ZERO);
    assert_eq!(signs(), INVALID_1271);
    assert_eq!(account.sender(alice).delegate_grant(a).unwrap(), (0, false, 0));
    // The owner's own rights do not depend on epochs.
    assert_eq!(account.sender(alice).is_valid_signer(alice, Bytes::from(Vec::new())), MAGIC_SIGNER);
    account.sender(alice).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap();
    // Granting again works: a fresh id, in this epoch.
    assert_eq!(
        account.sender(alice).grant_delegate(a, NOW + 50, true, vec![t], vec![ping_sel()]).unwrap(),
        2
    );
    account.assert_emitted(&DelegateGranted {
        owner: alice,
        delegate: a,
        expiry: NOW + 50,
        canSign: true,
        grantId: 2,
    });
    account.assert_emitted(&DelegateScope {
        delegate: a,
        grantId: 2,
        target: t,
        selector: ping_sel(),
    });
    assert_eq!(account.sender(a).delegate_grant(a).unwrap(), (NOW + 50, true, 2));
    account.sender(a).execute(t, U256::ZERO, ping_data(1), OP_CALL).unwrap();
    assert_eq!(signs(), MAGIC_1271);
    assert_eq!(target.sender(alice).total(), U256::from(3));
    // Revoking in this epoch works as before.
    account.sender(alice).revoke_delegate(a).unwrap();
    account.assert_emitted(&DelegateRevoked { owner: alice, delegate: a });
    assert!(!account.sender(a).is_permitted(a, t, ping_sel()).unwrap());
    // Any transfer moves the epoch, even one back to the same owner.
    account.sender(alice).grant_delegate(a, NOW + 50, false, vec![t], vec![ping_sel()]).unwrap();
    assert!(account.sender(a).is_permitted(a, t, ping_sel()).unwrap());
    nft.sender(alice).transfer_from(alice, alice, one).unwrap();
    assert!(!account.sender(a).is_permitted(a, t, ping_sel()).unwrap());
}

#[motsu::test]
fn grants_revive_on_a_buy_back_when_the_collection_has_no_epochs(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    bob: Address,
    agent: Address,
) {
    // The documented limit for foreign collections (no `transferCount`): epoch 0 always.
    setup(&nft, &account, alice, 1);
    let (t, one) = (target.address(), U256::from(1));
    account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, false, vec![t], vec![ping_sel()])
        .unwrap();
    nft.sender(alice).transfer_from(alice, bob, one).unwrap();
    assert!(
        !account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap(),
        "void while bob owns it"
    );
    nft.sender(bob).transfer_from(bob, alice, one).unwrap();
    assert!(
        account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap(),
        "alive again on the buy-back"
    );
    // What the docs tell owners: revoke before selling.
    account.sender(alice).revoke_delegate(agent).unwrap();
    nft.sender(alice).transfer_from(alice, bob, one).unwrap();
    nft.sender(bob).transfer_from(bob, alice, one).unwrap();
    assert!(!account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap());
}

#[motsu::test]
fn an_epoch_answer_shorter_than_a_word_reads_as_zero(
    nft: Contract<OddNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
    agent: Address,
) {
    VM::context().set_chain_id(CHAIN);
    set_code(account.address(), proxy_runtime(&ctx_for(nft.address(), 1)).to_vec());
    nft.sender(alice).mint(alice, U256::from(1)).unwrap();
    let t = target.address();
    let answer =
        |word: u64, len: u64| nft.sender(alice).set_answer(U256::from(word), U256::from(len));
    let permitted = || account.sender(agent).is_permitted(agent, t, ping_sel()).unwrap();
    // Granted in epoch 7.
    answer(7, 32);
    account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, false, vec![t], vec![ping_sel()])
        .unwrap();
    assert!(permitted());
    // 31 bytes: no epoch, 0; not the grant's.
    answer(7, 31);
    assert!(!permitted());
    assert_eq!(account.sender(agent).delegate_grant(agent).unwrap(), (0, false, 0));
    // More than a word: the first word counts.
    answer(7, 64);
    assert!(permitted());
    // A grant made while the answer is short (here empty) is stored with epoch 0, which a
    // real 0 matches too; it replaced the epoch-7 grant, which does not come back with 7.
    answer(7, 0);
    account
        .sender(alice)
        .grant_delegate(agent, NOW + 100, false, vec![t], vec![ping_sel()])
        .unwrap();
    assert!(permitted());
    answer(0, 32);
    assert!(permitted());
    answer(7, 32);
    assert!(!permitted());
}

fn sign(signer: &Account, digest: B256) -> Vec<u8> {
    signer.signer().sign_hash_sync(&digest).unwrap().as_bytes().to_vec()
}

#[test]
fn replay_safe_hash_is_eip712() {
    let account = Address::repeat_byte(7);
    let hash = B256::repeat_byte(9);
    let domain = eip712_domain! { name: "Compute-Fi TBA", version: "1", chain_id: CHAIN, verifying_contract: account, };
    assert_eq!(
        replay_safe_hash(CHAIN, account, hash),
        TbaMessage { hash }.eip712_signing_hash(&domain)
    );
    assert_ne!(
        replay_safe_hash(CHAIN, Address::repeat_byte(8), hash),
        replay_safe_hash(CHAIN, account, hash)
    );
    assert_ne!(replay_safe_hash(1, account, hash), replay_safe_hash(CHAIN, account, hash));
}

#[motsu::test]
fn signatures_of_owner_and_signing_delegates(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    agent2: Address,
) {
    let owner = Account::from_seed("owner");
    let agent = Account::from_seed("agent");
    let eve = Account::from_seed("eve");
    setup(&nft, &account, owner.address(), 1);
    let hash = B256::repeat_byte(0x42);
    let digest = account.sender(eve.address()).replay_safe_hash(hash);
    let check = |sig: Vec<u8>| account.sender(eve.address()).is_valid_signature(hash, sig.into());
    assert_eq!(check(sign(&owner, digest)), MAGIC_1271);
    assert_eq!(check(sign(&owner, hash)), INVALID_1271, "the raw hash is not accepted");
    assert_eq!(check(sign(&eve, digest)), INVALID_1271);
    assert_eq!(check(sign(&agent, digest)), INVALID_1271, "not a delegate yet");
    account
        .sender(owner.address())
        .grant_delegate(agent.address(), NOW + 10, true, vec![], vec![])
        .unwrap();
    account
        .sender(owner.address())
        .grant_delegate(agent2, NOW + 10, false, vec![], vec![])
        .unwrap();
    assert_eq!(check(sign(&agent, digest)), MAGIC_1271);
    // High-s twin of a valid signature is refused.
    let mut sig = sign(&owner, digest);
    let s = U256::from_be_slice(&sig[32..64]);
    let n = HALF_ORDER * U256::from(2) + U256::from(1);
    sig[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    sig[64] = if sig[64] == 27 { 28 } else { 27 };
    assert_eq!(check(sig), INVALID_1271);
    assert_eq!(check(vec![1u8; 64]), INVALID_1271);
    assert_eq!(check(vec![]), INVALID_1271);
    // Locked: nothing is valid.
    account.sender(owner.address()).lock(NOW + 5).unwrap();
    assert_eq!(check(sign(&owner, digest)), INVALID_1271);
}

#[motsu::test]
fn contract_owner_signs_by_erc1271(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    wallet: Contract<Signer1271>,
    alice: Address,
) {
    setup(&nft, &account, alice, 1);
    nft.sender(alice).transfer_from(alice, wallet.address(), U256::from(1)).unwrap();
    let hash = B256::repeat_byte(1);
    let sig = |prefix: Address| -> Bytes { [prefix.as_slice(), b"sig"].concat().into() };
    assert_eq!(
        account.sender(alice).is_valid_signature(hash, sig(wallet.address())),
        INVALID_1271,
        "wallet says no"
    );
    wallet.sender(alice).set(true);
    assert_eq!(account.sender(alice).is_valid_signature(hash, sig(wallet.address())), MAGIC_1271);
    assert_eq!(
        account.sender(alice).is_valid_signature(hash, sig(alice)),
        INVALID_1271,
        "alice is not the owner"
    );
}

#[motsu::test]
fn refuses_its_own_token(nft: Contract<TestNft>, account: Contract<TbaAccount>, alice: Address) {
    setup(&nft, &account, alice, 1);
    let err = account
        .sender(nft.address())
        .on_erc721_received(alice, alice, U256::from(1), Bytes::from(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(err, Error::OwnershipCycle(OwnershipCycle { tokenContract, tokenId }) if tokenContract == nft.address() && tokenId == U256::from(1))
    );
    // Another token of the same collection, and the same id of another contract, are fine.
    nft.sender(alice).mint(alice, U256::from(2)).unwrap();
    assert_eq!(
        account
            .sender(nft.address())
            .on_erc721_received(alice, alice, U256::from(2), Bytes::from(Vec::new()))
            .unwrap(),
        ERC721_RECEIVED
    );
    // The walk reads owners from the account's own token, whoever sends: an EOA owner
    // ends it.
    assert_eq!(
        account
            .sender(alice)
            .on_erc721_received(alice, alice, U256::from(1), Bytes::from(Vec::new()))
            .unwrap(),
        ERC721_RECEIVED
    );
    // When the owner of the account's token cannot be read (burned, or the NFT refuses
    // the reentrant call), it refuses.
    set_code(account.address(), proxy_runtime(&ctx_for(nft.address(), 5)).to_vec());
    let err = account
        .sender(nft.address())
        .on_erc721_received(alice, alice, U256::from(2), Bytes::from(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(err, Error::OwnershipUnverifiable(OwnershipUnverifiable { tokenContract, tokenId }) if tokenContract == nft.address() && tokenId == U256::from(2))
    );
}

#[motsu::test]
fn refuses_deeper_cycles(nft: Contract<TestNft>, account: Contract<TbaAccount>, alice: Address) {
    // account A is bound to token 1; token 1 is owned by account B, bound to token 2,
    // owned by alice. Receiving token 2 into A would close the loop A -> 1 -> B -> 2 -> A.
    setup(&nft, &account, alice, 1);
    let b = Address::repeat_byte(0xbb);
    set_code(b, proxy_runtime(&ctx_for(nft.address(), 2)).to_vec());
    nft.sender(alice).mint(alice, U256::from(2)).unwrap();
    nft.sender(alice).transfer_from(alice, b, U256::from(1)).unwrap();
    let err = account
        .sender(nft.address())
        .on_erc721_received(alice, alice, U256::from(2), Bytes::from(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(err, Error::OwnershipCycle(OwnershipCycle { tokenId, .. }) if tokenId == U256::from(2))
    );
    // Token 3 is not in the chain: accepted.
    nft.sender(alice).mint(alice, U256::from(3)).unwrap();
    assert_eq!(
        account
            .sender(nft.address())
            .on_erc721_received(alice, alice, U256::from(3), Bytes::from(Vec::new()))
            .unwrap(),
        ERC721_RECEIVED
    );
}

#[motsu::test]
fn refuses_chains_deeper_than_the_bound(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    alice: Address,
) {
    // Token i is owned by the account of token i+1, for MAX_DEPTH levels.
    setup(&nft, &account, alice, 1);
    for i in 1..=MAX_DEPTH as u64 {
        let holder = Address::with_last_byte(0x80 + i as u8);
        set_code(holder, proxy_runtime(&ctx_for(nft.address(), i + 1)).to_vec());
        if i > 1 {
            nft.sender(alice).mint(alice, U256::from(i)).unwrap();
        }
        nft.sender(alice).transfer_from(alice, holder, U256::from(i)).unwrap();
    }
    let err = account
        .sender(nft.address())
        .on_erc721_received(alice, alice, U256::from(99), Bytes::from(Vec::new()))
        .unwrap_err();
    assert!(
        matches!(err, Error::OwnershipUnverifiable(OwnershipUnverifiable { tokenId, .. }) if tokenId == U256::from(99))
    );
}

#[motsu::test]
fn erc1155_hooks_accept(account: Contract<TbaAccount>, alice: Address) {
    assert_eq!(
        account.sender(alice).on_erc1155_received(
            alice,
            alice,
            U256::from(1),
            U256::from(2),
            Bytes::from(Vec::new())
        ),
        ERC1155_RECEIVED
    );
    assert_eq!(
        account.sender(alice).on_erc1155_batch_received(
            alice,
            alice,
            vec![U256::from(1)],
            vec![U256::from(2)],
            Bytes::from(Vec::new())
        ),
        ERC1155_BATCH_RECEIVED
    );
}

#[motsu::test]
fn extcall_only_from_the_sandbox(
    nft: Contract<TestNft>,
    account: Contract<TbaAccount>,
    target: Contract<Target>,
    alice: Address,
) {
    setup(&nft, &account, alice, 1);
    let err =
        account.sender(alice).extcall(target.address(), U256::ZERO, ping_data(1)).unwrap_err();
    assert_eq!(err, err_bytes(refusal(alice)));
    let sandbox = account.sender(alice).sandbox();
    assert_eq!(sandbox, sandbox_address(account.address()));
    account.sender(sandbox).extcall(target.address(), U256::ZERO, ping_data(3)).unwrap();
    assert_eq!(target.sender(alice).total(), U256::from(3));
    assert_eq!(account.sender(alice).state(), U256::from(1));
    account.sender(alice).lock(NOW + 5).unwrap();
    let err =
        account.sender(sandbox).extcall(target.address(), U256::ZERO, ping_data(3)).unwrap_err();
    assert_eq!(err, err_bytes(AccountLocked { lockedUntil: NOW + 5 }));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Random grant / revoke / transfer sequences: a delegate may act exactly when the
    /// model says (the current owner's latest unrevoked grant lists the pair; with a
    /// collection that counts transfers, only a grant made since the NFT's last transfer).
    #[test]
    fn permissions_follow_the_model(ops in proptest::collection::vec((0u8..4, 0usize..3, 0usize..3, 0usize..2), 1..12), epochs in any::<bool>()) {
        let nft = Contract::<TestNft>::new();
        let account = Contract::<TbaAccount>::new();
        let owners = [Address::repeat_byte(0xa1), Address::repeat_byte(0xa2)];
        let delegates = [Address::repeat_byte(0xd1), Address::repeat_byte(0xd2), Address::repeat_byte(0xd3)];
        let targets = [Address::repeat_byte(0x71), Address::repeat_byte(0x72), Address::repeat_byte(0x73)];
        let sels = [B32::repeat_byte(1), B32::repeat_byte(2)];
        setup(&nft, &account, owners[0], 1);
        nft.sender(owners[0]).set_epochs(epochs);
        let mut owner = 0usize;
        // model: (owner, delegate) -> set of (target, selector)
        let mut model: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
        for (op, d, t, s) in ops {
            match op {
                0 | 1 => {
                    account.sender(owners[owner]).grant_delegate(delegates[d], NOW + 50, false, vec![targets[t]], vec![sels[s]]).unwrap();
                    model.insert((owner, d), vec![(t, s)]);
                }
                2 => {
                    account.sender(owners[owner]).revoke_delegate(delegates[d]).unwrap();
                    model.remove(&(owner, d));
                }
                _ => {
                    let next = 1 - owner;
                    nft.sender(owners[owner]).transfer_from(owners[owner], owners[next], U256::from(1)).unwrap();
                    owner = next;
                    if epochs {
                        // A new epoch: every earlier grant, of any owner, is dead for good.
                        model.clear();
                    }
                }
            }
            #[allow(clippy::needless_range_loop)]
            for d in 0..3 { for t in 0..3 { for s in 0..2 {
                let expected = model.get(&(owner, d)).is_some_and(|v| v.contains(&(t, s)));
                prop_assert_eq!(account.sender(owners[owner]).is_permitted(delegates[d], targets[t], sels[s]).unwrap(), expected);
            }}}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Random owner/stranger operations: `state` grows by exactly one on every successful
    /// state-changing call and never moves on a failed one; nothing succeeds while locked.
    #[test]
    fn state_counts_successful_changes(ops in proptest::collection::vec((0u8..5, any::<bool>(), 0u64..20), 1..16)) {
        let nft = Contract::<TestNft>::new();
        let account = Contract::<TbaAccount>::new();
        let target = Contract::<Target>::new();
        let owner = Address::repeat_byte(0xa1);
        let eve = Address::repeat_byte(0xee);
        let agent = Address::repeat_byte(0xd1);
        setup(&nft, &account, owner, 1);
        let mut expected = U256::ZERO;
        for (op, by_owner, n) in ops {
            let who = if by_owner { owner } else { eve };
            let locked = account.sender(owner).is_locked();
            let ok = match op {
                0 => account.sender(who).execute(target.address(), U256::ZERO, ping_data(n), OP_CALL).is_ok(),
                1 => account.sender(who).lock(NOW + n).is_ok(),
                2 => account.sender(who).grant_delegate(agent, NOW + 1 + n, n % 2 == 0, vec![target.address()], vec![ping_sel()]).is_ok(),
                3 => account.sender(who).revoke_delegate(agent).is_ok(),
                _ => account.sender(who).execute_batch(vec![target.address()], vec![U256::ZERO], vec![ping_data(n)], vec![0]).is_ok(),
            };
            prop_assert!(!(ok && locked), "nothing succeeds while locked");
            prop_assert_eq!(ok, by_owner && !locked, "owner-only, unlocked");
            if ok {
                expected += U256::from(1);
            }
            prop_assert_eq!(account.sender(owner).state(), expected);
        }
    }
}
