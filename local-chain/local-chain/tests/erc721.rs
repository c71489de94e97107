//! Differential test: the mock-erc721 artifact (OpenZeppelin Erc721 + metadata) on the local
//! chain replays its motsu tests (contracts/mocks/erc721/src/lib.rs `tests`): same return
//! values, same revert data, same events.
mod common;

use alloy_sol_types::{sol, SolCall};
use common::*;
use local_chain::{Address, Chain, U256};

sol! {
    #![sol(all_derives)]
    function ctor(string name, string symbol, string base_uri);
    function name() external view returns (string);
    function symbol() external view returns (string);
    function tokenURI(uint256 token_id) external view returns (string);
    function balanceOf(address owner) external view returns (uint256);
    function ownerOf(uint256 token_id) external view returns (address);
    function approve(address to, uint256 token_id) external;
    function getApproved(uint256 token_id) external view returns (address);
    function setApprovalForAll(address operator, bool approved) external;
    function isApprovedForAll(address owner, address operator) external view returns (bool);
    function transferFrom(address from, address to, uint256 token_id) external;
    function safeTransferFrom(address from, address to, uint256 token_id) external;
    function supportsInterface(bytes4 interface_id) external view returns (bool);
    function mint(address to, uint256 token_id) external;
    function burn(uint256 token_id) external;
    event Transfer(address indexed from, address indexed to, uint256 indexed token_id);
    event Approval(address indexed owner, address indexed approved, uint256 indexed token_id);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    error ERC721InvalidOwner(address owner);
    error ERC721NonexistentToken(uint256 token_id);
    error ERC721IncorrectOwner(address sender, uint256 token_id, address owner);
    error ERC721InvalidSender(address sender);
    error ERC721InvalidReceiver(address receiver);
    error ERC721InsufficientApproval(address operator, uint256 token_id);
}

const ID: U256 = U256::from_limbs([7, 0, 0, 0]);
const CAROL: Address = Address::repeat_byte(0xCC);

fn deploy(chain: &mut Chain) -> Address {
    let args = ctorCall {
        name: "Members".into(),
        symbol: "MBR".into(),
        base_uri: "https://m.example/".into(),
    }
    .abi_encode();
    chain
        .deploy_artifact(ALICE, "mock-erc721", Some(&args[4..]))
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
    let r = chain.call(BOB, nft, U256::ZERO, mintCall { to: ALICE, token_id: ID }.abi_encode());
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: Address::ZERO, to: ALICE, token_id: ID }]
    );
    assert_eq!(chain.read(nft, &ownerOfCall { token_id: ID }).unwrap(), ALICE);
    assert_eq!(chain.read(nft, &balanceOfCall { owner: ALICE }).unwrap(), U256::from(1));
    assert_eq!(chain.read(nft, &tokenURICall { token_id: ID }).unwrap(), "https://m.example/7");
}

#[test]
fn mint_twice_reverts_with_invalid_sender() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).unwrap();
    let e = chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).err().expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721InvalidSender>(),
        Some(ERC721InvalidSender { sender: Address::ZERO })
    );
}

#[test]
fn queries_of_missing_tokens_revert() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    let e = chain.read(nft, &ownerOfCall { token_id: ID }).expect_err("reverts");
    assert_eq!(
        e.revert_as::<ERC721NonexistentToken>(),
        Some(ERC721NonexistentToken { token_id: ID })
    );
    let e = chain.read(nft, &tokenURICall { token_id: ID }).expect_err("reverts");
    assert_eq!(
        e.revert_as::<ERC721NonexistentToken>(),
        Some(ERC721NonexistentToken { token_id: ID })
    );
    let e = chain.read(nft, &balanceOfCall { owner: Address::ZERO }).expect_err("reverts");
    assert_eq!(
        e.revert_as::<ERC721InvalidOwner>(),
        Some(ERC721InvalidOwner { owner: Address::ZERO })
    );
}

#[test]
fn approve_then_transfer_from() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).unwrap();
    let r = chain.call(ALICE, nft, U256::ZERO, approveCall { to: BOB, token_id: ID }.abi_encode());
    r.assert_success();
    assert_eq!(
        r.events::<Approval>(),
        vec![Approval { owner: ALICE, approved: BOB, token_id: ID }]
    );
    assert_eq!(chain.read(nft, &getApprovedCall { token_id: ID }).unwrap(), BOB);
    let r = chain.call(
        BOB,
        nft,
        U256::ZERO,
        transferFromCall { from: ALICE, to: CAROL, token_id: ID }.abi_encode(),
    );
    r.assert_success();
    assert_eq!(r.events::<Transfer>(), vec![Transfer { from: ALICE, to: CAROL, token_id: ID }]);
    assert_eq!(chain.read(nft, &ownerOfCall { token_id: ID }).unwrap(), CAROL);
    assert_eq!(chain.read(nft, &getApprovedCall { token_id: ID }).unwrap(), Address::ZERO);
}

#[test]
fn transfer_without_approval_reverts() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).unwrap();
    let e = chain
        .send(BOB, nft, &transferFromCall { from: ALICE, to: BOB, token_id: ID })
        .err()
        .expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721InsufficientApproval>(),
        Some(ERC721InsufficientApproval { operator: BOB, token_id: ID })
    );
    let e = chain
        .send(ALICE, nft, &transferFromCall { from: BOB, to: ALICE, token_id: ID })
        .err()
        .expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721IncorrectOwner>(),
        Some(ERC721IncorrectOwner { sender: BOB, token_id: ID, owner: ALICE })
    );
    assert_eq!(chain.read(nft, &ownerOfCall { token_id: ID }).unwrap(), ALICE);
}

#[test]
fn operator_approval_and_burn() {
    let mut chain = chain();
    let nft = deploy(&mut chain);
    chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).unwrap();
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
    chain.send(BOB, nft, &transferFromCall { from: ALICE, to: BOB, token_id: ID }).unwrap();
    let r = chain.call(BOB, nft, U256::ZERO, burnCall { token_id: ID }.abi_encode());
    r.assert_success();
    assert_eq!(
        r.events::<Transfer>(),
        vec![Transfer { from: BOB, to: Address::ZERO, token_id: ID }]
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
            .read(nft, &supportsInterfaceCall { interface_id: id.to_be_bytes().into() })
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
    chain.send(ALICE, nft, &mintCall { to: ALICE, token_id: ID }).unwrap();
    // Runtime code that always reverts with no data.
    let sink = deploy_evm(&mut chain, &[0x60, 0x00, 0x80, 0xfd]);
    let e = chain
        .send(ALICE, nft, &safeTransferFromCall { from: ALICE, to: sink, token_id: ID })
        .err()
        .expect("reverts");
    assert_eq!(
        e.revert_as::<ERC721InvalidReceiver>(),
        Some(ERC721InvalidReceiver { receiver: sink })
    );
    chain.send(ALICE, nft, &safeTransferFromCall { from: ALICE, to: BOB, token_id: ID }).unwrap();
    assert_eq!(chain.read(nft, &ownerOfCall { token_id: ID }).unwrap(), BOB);
}
