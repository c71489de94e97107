//! Differential test: the mock-erc721 artifact (OpenZeppelin Erc721 + metadata) on the local
//! chain replays its motsu tests (contracts/mocks/erc721/src/lib.rs `tests`): same return
//! values, same revert data, same events.
mod common;

use alloy_sol_types::{SolCall, SolType};
use common::abi::mock_erc721::{
    Constructor,
    IERC721Metadata::*,
    IMockErc721::*,
    IERC165::supportsInterfaceCall,
    IERC721::{
        // `safeTransferFrom` is overloaded: `_0` takes `bytes data`, `_1` does not (declaration
        // order in the ABI file; a reorder breaks the struct literals below, not silently).
        safeTransferFrom_1Call as safeTransferFromCall,
        *,
    },
};
use common::*;
use local_chain::{Address, Chain, U256};

const ID: U256 = U256::from_limbs([7, 0, 0, 0]);
const CAROL: Address = Address::repeat_byte(0xCC);

fn deploy(chain: &mut Chain) -> Address {
    let args = Constructor::abi_encode_params(&("Members", "MBR", "https://m.example/"));
    chain
        .deploy_artifact(ALICE, "mock-erc721", Some(&args))
        .unwrap_or_else(|e| panic!("deploy mock-erc721: {e}"))
}

#[test]
fn constructor_sets_metadata() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    assert_eq!(chain.read(nft, &nameCall {}).unwrap(), "Members");
    assert_eq!(chain.read(nft, &symbolCall {}).unwrap(), "MBR");
}

#[test]
fn mint_sets_owner_balance_uri_and_emits() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    let r = chain.call(BOB, nft, U256::ZERO, mintCall { to: ALICE, tokenId: ID }.abi_encode());
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: Address::ZERO, to: ALICE, tokenId: ID }]
    );
    assert_eq!(chain.read(nft, &ownerOfCall { tokenId: ID }).unwrap(), ALICE);
    assert_eq!(chain.read(nft, &balanceOfCall { owner: ALICE }).unwrap(), U256::from(1));
    assert_eq!(chain.read(nft, &tokenURICall { tokenId: ID }).unwrap(), "https://m.example/7");
}

#[test]
fn mint_twice_reverts_with_invalid_sender() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).unwrap();
    let e = chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).err().expect("reverts");
    assert_eq!(e.revert_as::<ERC721InvalidSender>(), Some(ERC721InvalidSender(Address::ZERO)));
}

#[test]
fn queries_of_missing_tokens_revert() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    let e = chain.read(nft, &ownerOfCall { tokenId: ID }).expect_err("reverts");
    assert_eq!(e.revert_as::<ERC721NonexistentToken>(), Some(ERC721NonexistentToken(ID)));
    let e = chain.read(nft, &tokenURICall { tokenId: ID }).expect_err("reverts");
    assert_eq!(e.revert_as::<ERC721NonexistentToken>(), Some(ERC721NonexistentToken(ID)));
    let e = chain.read(nft, &balanceOfCall { owner: Address::ZERO }).expect_err("reverts");
    assert_eq!(e.revert_as::<ERC721InvalidOwner>(), Some(ERC721InvalidOwner(Address::ZERO)));
}

#[test]
fn approve_then_transfer_from() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).unwrap();
    let r = chain.call(ALICE, nft, U256::ZERO, approveCall { to: BOB, tokenId: ID }.abi_encode());
    r.assert_success();
    assert_eq!(r.events::<Approval>(), vec![Approval { owner: ALICE, approved: BOB, tokenId: ID }]);
    assert_eq!(chain.read(nft, &getApprovedCall { tokenId: ID }).unwrap(), BOB);
    let r = chain.call(
        BOB,
        nft,
        U256::ZERO,
        transferFromCall { from: ALICE, to: CAROL, tokenId: ID }.abi_encode(),
    );
    r.assert_success();
    assert_eq!(r.events::<Transfer>(), vec![Transfer { from: ALICE, to: CAROL, tokenId: ID }]);
    assert_eq!(chain.read(nft, &ownerOfCall { tokenId: ID }).unwrap(), CAROL);
    assert_eq!(chain.read(nft, &getApprovedCall { tokenId: ID }).unwrap(), Address::ZERO);
}

#[test]
fn transfer_without_approval_reverts() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).unwrap();
    let e = chain
        .send(BOB, nft, &transferFromCall { from: ALICE, to: BOB, tokenId: ID })
        .err()
        .expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721InsufficientApproval>(),
        // (operator, tokenId)
        Some(ERC721InsufficientApproval { _0: BOB, _1: ID })
    );
    let e = chain
        .send(ALICE, nft, &transferFromCall { from: BOB, to: ALICE, tokenId: ID })
        .err()
        .expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721IncorrectOwner>(),
        // (sender, tokenId, owner)
        Some(ERC721IncorrectOwner { _0: BOB, _1: ID, _2: ALICE })
    );
    assert_eq!(chain.read(nft, &ownerOfCall { tokenId: ID }).unwrap(), ALICE);
}

#[test]
fn operator_approval_and_burn() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).unwrap();
    let r = chain.call(
        ALICE,
        nft,
        U256::ZERO,
        setApprovalForAllCall { operator: BOB, approved: true }.abi_encode(),
    );
    r.assert_success();
    assert_eq!(
        r.events::<ApprovalForAll>(),
        vec![ApprovalForAll { owner: ALICE, operator: BOB, approved: true }]
    );
    assert!(chain.read(nft, &isApprovedForAllCall { owner: ALICE, operator: BOB }).unwrap());
    chain.send(BOB, nft, &transferFromCall { from: ALICE, to: BOB, tokenId: ID }).unwrap();
    let r = chain.call(BOB, nft, U256::ZERO, burnCall { tokenId: ID }.abi_encode());
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: BOB, to: Address::ZERO, tokenId: ID }]
    );
    assert_eq!(chain.read(nft, &balanceOfCall { owner: BOB }).unwrap(), U256::ZERO);
}

#[test]
fn supports_erc721_metadata_and_erc165() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    for (id, expected) in
        [(0x80ac58cd_u32, true), (0x5b5e139f, true), (0x01ffc9a7, true), (0xffffffff, false)]
    {
        let got = chain
            .read(nft, &supportsInterfaceCall { interfaceId: id.to_be_bytes().into() })
            .unwrap();
        assert_eq!(got, expected, "interface {id:#x}");
    }
}

/// Beyond motsu: `safeTransferFrom` to a contract calls `onERC721Received` on it. An EVM
/// contract without that function makes the transfer revert with `ERC721InvalidReceiver`,
/// while a transfer to an EOA succeeds.
#[test]
fn safe_transfer_checks_the_receiver_code() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, tokenId: ID }).unwrap();
    // Runtime code that always reverts with no data.
    let sink = deploy_evm(&mut chain, &[0x60, 0x00, 0x80, 0xfd]);
    let e = chain
        .send(ALICE, nft, &safeTransferFromCall { from: ALICE, to: sink, tokenId: ID })
        .err()
        .expect("reverts");
    assert_eq!(e.revert_as::<ERC721InvalidReceiver>(), Some(ERC721InvalidReceiver(sink)));
    chain.send(ALICE, nft, &safeTransferFromCall { from: ALICE, to: BOB, tokenId: ID }).unwrap();
    assert_eq!(chain.read(nft, &ownerOfCall { tokenId: ID }).unwrap(), BOB);
}
