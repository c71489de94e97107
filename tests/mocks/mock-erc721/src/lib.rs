//! Test mock: an OpenZeppelin ERC-721 with metadata whose `mint` and `burn` anyone can call.
//! It exists for tests (the local chain's differential test runs its artifact against the
//! motsu tests below); never deploy it where real value is at stake.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{string::String, vec::Vec};

use openzeppelin_stylus::{
    token::erc721::{
        self,
        extensions::{Erc721Metadata, IErc721Metadata},
        Erc721, IErc721,
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::B32, Address, U256},
    prelude::*,
};

#[entrypoint]
#[storage]
pub struct MockErc721 {
    erc721: Erc721,
    metadata: Erc721Metadata,
}

#[public]
#[implements(IErc721<Error = erc721::Error>, IErc721Metadata<Error = erc721::Error>, IErc165)]
impl MockErc721 {
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, base_uri: String) {
        self.metadata.constructor(name, symbol);
        self.metadata.base_uri.set_str(base_uri);
    }

    /// Mints `token_id` to `to`. Unrestricted: this is a test token.
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), erc721::Error> {
        self.erc721._mint(to, token_id)
    }

    /// Burns `token_id`. Unrestricted: this is a test token.
    pub fn burn(&mut self, token_id: U256) -> Result<(), erc721::Error> {
        self.erc721._burn(token_id)
    }
}

#[public]
impl IErc721 for MockErc721 {
    type Error = erc721::Error;

    fn balance_of(&self, owner: Address) -> Result<U256, Self::Error> {
        self.erc721.balance_of(owner)
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.owner_of(token_id)
    }

    fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.erc721.safe_transfer_from(from, to, token_id)
    }

    fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Self::Error> {
        self.erc721.safe_transfer_from_with_data(from, to, token_id, data)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.erc721.transfer_from(from, to, token_id)
    }

    fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Self::Error> {
        self.erc721.approve(to, token_id)
    }

    fn set_approval_for_all(&mut self, to: Address, approved: bool) -> Result<(), Self::Error> {
        self.erc721.set_approval_for_all(to, approved)
    }

    fn get_approved(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.get_approved(token_id)
    }

    fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }
}

#[public]
impl IErc721Metadata for MockErc721 {
    type Error = erc721::Error;

    fn name(&self) -> String {
        self.metadata.name()
    }

    fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    #[selector(name = "tokenURI")]
    fn token_uri(&self, token_id: U256) -> Result<String, Self::Error> {
        self.metadata.token_uri(token_id, &self.erc721)
    }
}

#[public]
impl IErc165 for MockErc721 {
    fn supports_interface(&self, interface_id: B32) -> bool {
        use compute_fi_contracts::interface_ids::{IID_ERC165, IID_ERC721, IID_ERC721_METADATA};
        [IID_ERC165, IID_ERC721, IID_ERC721_METADATA].contains(&interface_id)
    }
}

#[cfg(test)]
mod tests {
    //! The reference behaviour the local chain's differential test (local-chain/tests/erc721.rs)
    //! replays against the built artifact: keep the two in step.
    use motsu::prelude::*;
    use openzeppelin_stylus::token::erc721::{Approval, ApprovalForAll, Transfer};
    use stylus_sdk::alloy_primitives::uint;

    use super::*;

    const ID: U256 = uint!(7_U256);

    fn setup(nft: &Contract<MockErc721>, who: Address) {
        nft.sender(who).constructor("Members".into(), "MBR".into(), "https://m.example/".into());
    }

    #[motsu::test]
    fn constructor_sets_metadata(nft: Contract<MockErc721>, alice: Address) {
        setup(&nft, alice);
        assert_eq!(nft.sender(alice).name(), "Members");
        assert_eq!(nft.sender(alice).symbol(), "MBR");
    }

    #[motsu::test]
    fn mint_sets_owner_balance_uri_and_emits(
        nft: Contract<MockErc721>,
        alice: Address,
        bob: Address,
    ) {
        setup(&nft, alice);
        nft.sender(bob).mint(alice, ID).motsu_unwrap();
        nft.assert_emitted(&Transfer { from: Address::ZERO, to: alice, token_id: ID });
        assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), alice);
        assert_eq!(nft.sender(alice).balance_of(alice).motsu_unwrap(), uint!(1_U256));
        assert_eq!(nft.sender(alice).token_uri(ID).motsu_unwrap(), "https://m.example/7");
    }

    #[motsu::test]
    fn mint_twice_reverts_with_invalid_sender(nft: Contract<MockErc721>, alice: Address) {
        setup(&nft, alice);
        nft.sender(alice).mint(alice, ID).motsu_unwrap();
        let err = nft.sender(alice).mint(alice, ID).motsu_unwrap_err();
        assert!(
            matches!(err, erc721::Error::InvalidSender(erc721::ERC721InvalidSender { sender }) if sender == Address::ZERO)
        );
    }

    #[motsu::test]
    fn queries_of_missing_tokens_revert(nft: Contract<MockErc721>, alice: Address) {
        setup(&nft, alice);
        let err = nft.sender(alice).owner_of(ID).motsu_unwrap_err();
        assert!(
            matches!(err, erc721::Error::NonexistentToken(erc721::ERC721NonexistentToken { token_id }) if token_id == ID)
        );
        let err = nft.sender(alice).token_uri(ID).motsu_unwrap_err();
        assert!(matches!(err, erc721::Error::NonexistentToken(_)));
        let err = nft.sender(alice).balance_of(Address::ZERO).motsu_unwrap_err();
        assert!(
            matches!(err, erc721::Error::InvalidOwner(erc721::ERC721InvalidOwner { owner }) if owner == Address::ZERO)
        );
    }

    #[motsu::test]
    fn approve_then_transfer_from(
        nft: Contract<MockErc721>,
        alice: Address,
        bob: Address,
        carol: Address,
    ) {
        setup(&nft, alice);
        nft.sender(alice).mint(alice, ID).motsu_unwrap();
        nft.sender(alice).approve(bob, ID).motsu_unwrap();
        nft.assert_emitted(&Approval { owner: alice, approved: bob, token_id: ID });
        assert_eq!(nft.sender(alice).get_approved(ID).motsu_unwrap(), bob);
        nft.sender(bob).transfer_from(alice, carol, ID).motsu_unwrap();
        nft.assert_emitted(&Transfer { from: alice, to: carol, token_id: ID });
        assert_eq!(nft.sender(alice).owner_of(ID).motsu_unwrap(), carol);
        assert_eq!(nft.sender(alice).get_approved(ID).motsu_unwrap(), Address::ZERO);
    }

    #[motsu::test]
    fn transfer_without_approval_reverts(nft: Contract<MockErc721>, alice: Address, bob: Address) {
        setup(&nft, alice);
        nft.sender(alice).mint(alice, ID).motsu_unwrap();
        let err = nft.sender(bob).transfer_from(alice, bob, ID).motsu_unwrap_err();
        assert!(matches!(
            err,
            erc721::Error::InsufficientApproval(erc721::ERC721InsufficientApproval { operator, token_id })
                if operator == bob && token_id == ID
        ));
        let err = nft.sender(alice).transfer_from(bob, alice, ID).motsu_unwrap_err();
        assert!(matches!(
            err,
            erc721::Error::IncorrectOwner(erc721::ERC721IncorrectOwner { sender, token_id, owner })
                if sender == bob && token_id == ID && owner == alice
        ));
    }

    #[motsu::test]
    fn operator_approval_and_burn(nft: Contract<MockErc721>, alice: Address, bob: Address) {
        setup(&nft, alice);
        nft.sender(alice).mint(alice, ID).motsu_unwrap();
        nft.sender(alice).set_approval_for_all(bob, true).motsu_unwrap();
        nft.assert_emitted(&ApprovalForAll { owner: alice, operator: bob, approved: true });
        assert!(nft.sender(alice).is_approved_for_all(alice, bob));
        nft.sender(bob).transfer_from(alice, bob, ID).motsu_unwrap();
        nft.sender(bob).burn(ID).motsu_unwrap();
        nft.assert_emitted(&Transfer { from: bob, to: Address::ZERO, token_id: ID });
        assert_eq!(nft.sender(bob).balance_of(bob).motsu_unwrap(), U256::ZERO);
    }

    #[motsu::test]
    fn supports_erc721_metadata_and_erc165(nft: Contract<MockErc721>, alice: Address) {
        assert!(nft.sender(alice).supports_interface(0x80ac58cd_u32.to_be_bytes().into()));
        assert!(nft.sender(alice).supports_interface(0x5b5e139f_u32.to_be_bytes().into()));
        assert!(nft.sender(alice).supports_interface(0x01ffc9a7_u32.to_be_bytes().into()));
        assert!(!nft.sender(alice).supports_interface(0xffffffff_u32.to_be_bytes().into()));
    }
}
