//! The community factory on the local chain: every per-community contract an ERC-1167
//! clone of an implementation, created by CREATE2 at predicted addresses, set up through
//! its constructor and wired in one transaction; the clones work as the contracts do
//! (a member joins and leaves), and nobody can set one up again, front-run its setup or
//! use an implementation.
use alloy_sol_types::{SolCall, SolType};
use local_chain::{Address, Chain, B256, U256};

use super::common::{
    abi::{
        account::ITbaAccount,
        factory::{self, ICommunityFactory, ICommunityFactoryEvents},
        ledger::{self, IComputeLedger},
        market::{self, IJobMarket},
        membership::{self, IMembership},
        models, source,
        vault::{self, IYieldVault, IERC4626},
        weth,
    },
    community::*,
};

/// The implementations, the shared contracts and the factory, deployed as a chain would
/// hold them.
struct Factory {
    chain: Chain,
    factory: Address,
    weth: Address,
    source: Address,
    impls: [Address; 4],
}

fn deploy_factory() -> Factory {
    let mut chain = Chain::new();
    for a in [ADMIN, OUTSIDER, member(0), member(1)] {
        chain.set_balance(a, u(1_000 * ETH));
    }
    let art = |chain: &mut Chain, name: &str, args: Option<Vec<u8>>| {
        chain
            .deploy_artifact(ADMIN, name, args.as_deref())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let registry = art(&mut chain, "erc6551-registry", None);
    let account = art(&mut chain, "tba-account", None);
    let weth_args = weth::Constructor::abi_encode_params(&(
        "Wrapped Ether".to_string(),
        "WETH".to_string(),
        18,
    ));
    let weth = art(&mut chain, "mock-erc20", Some(weth_args));
    let source_args =
        source::Constructor::abi_encode_params(&(weth, "Source".to_string(), "S".to_string()));
    let source = art(&mut chain, "mock-yield-source", Some(source_args));
    let models =
        art(&mut chain, "model-registry", Some(models::Constructor::abi_encode_params(&(ADMIN,))));
    // The implementations run their constructors at deployment (with the deployer as
    // admin), so nobody can set one up and take it over.
    let ledger_impl = art(
        &mut chain,
        "compute-ledger",
        Some(ledger::Constructor::abi_encode_params(&(
            ADMIN,
            ADMIN,
            weth,
            weth,
            ADMIN,
            0,
            Address::ZERO,
        ))),
    );
    let vault_impl = art(
        &mut chain,
        "yield-vault",
        Some(vault::Constructor::abi_encode_params(&(
            weth,
            source,
            ledger_impl,
            ADMIN,
            B256::right_padding_from(b"impl"),
            B256::right_padding_from(b"impl"),
            true,
            0,
            u(1),
            false,
        ))),
    );
    let market_impl = art(
        &mut chain,
        "job-market",
        Some(market::Constructor::abi_encode_params(&(ADMIN, ledger_impl, weth, models))),
    );
    let membership_impl = art(
        &mut chain,
        "membership",
        Some(membership::Constructor::abi_encode_params(&(
            "impl".to_string(),
            "impl".to_string(),
            String::new(),
            ADMIN,
            weth,
            vault_impl,
            registry,
            account,
            u(1),
        ))),
    );
    let factory = art(
        &mut chain,
        "community-factory",
        Some(factory::Constructor::abi_encode_params(&(
            vault_impl,
            ledger_impl,
            market_impl,
            membership_impl,
            registry,
            account,
            models,
        ))),
    );
    Factory {
        chain,
        factory,
        weth,
        source,
        impls: [vault_impl, ledger_impl, market_impl, membership_impl],
    }
}

fn create_call(f: &Factory, admin: Address, salt: B256) -> ICommunityFactory::createCommunityCall {
    ICommunityFactory::createCommunityCall {
        admin,
        asset: f.weth,
        payment: f.weth,
        source: f.source,
        stake: u(STAKE),
        exactStake: true,
        lockDuration: LOCK,
        poolBps: POOL_BPS,
        native: true,
        name: B256::right_padding_from(b"Open Compute"),
        symbol: B256::right_padding_from(b"OCC"),
        baseUri: "ipfs://occ/".to_string(),
        salt,
    }
}

/// The addresses `deployer`'s community with `salt` gets (vault, ledger, market,
/// membership, pool account).
fn predict(
    f: &mut Factory,
    deployer: Address,
    salt: B256,
) -> ICommunityFactory::predictCommunityReturn {
    f.chain.read(f.factory, &ICommunityFactory::predictCommunityCall { deployer, salt }).unwrap()
}

#[test]
fn a_community_in_one_transaction_at_its_predicted_addresses() {
    let mut f = deploy_factory();
    let salt = B256::repeat_byte(5);
    let predicted = predict(&mut f, OUTSIDER, salt);
    let r =
        f.chain.call(OUTSIDER, f.factory, U256::ZERO, create_call(&f, ADMIN, salt).abi_encode());
    ok(r.clone(), "createCommunity");
    println!("createCommunity gas: {}", r.gas_used);
    let (vault, ledger, market, membership, pool) =
        (predicted._0, predicted._1, predicted._2, predicted._3, predicted._4);
    let created = r.events::<ICommunityFactoryEvents::CommunityCreated>();
    assert_eq!(created.len(), 1);
    let e = &created[0];
    assert_eq!(
        (e.deployer, e.salt, e.admin, e.vault, e.ledger, e.market, e.membership, e.pool),
        (OUTSIDER, salt, ADMIN, vault, ledger, market, membership, pool)
    );
    assert_eq!(
        f.chain.read(f.factory, &ICommunityFactory::communityCountCall {}).unwrap(),
        U256::from(1)
    );
    let at =
        f.chain.read(f.factory, &ICommunityFactory::communityAtCall { index: U256::ZERO }).unwrap();
    assert_eq!((at._0, at._1, at._2, at._3), (vault, ledger, market, membership));
    // Each clone is the 45-byte ERC-1167 proxy to its implementation.
    for (clone, implementation) in [vault, ledger, market, membership].iter().zip(f.impls) {
        let code = f.chain.code(*clone);
        assert_eq!(code.len(), 45);
        assert_eq!(&code[10..30], implementation.as_slice());
    }
    // Wired: the ledger's vault, pool and market; the vault's ledger; the membership's
    // vault and pool account; every admin role with the admin, none with the factory.
    let l = f.chain.read(ledger, &IComputeLedger::addressesCall {}).unwrap();
    assert_eq!((l._0, l._1, l._2, l._3, l._4), (vault, f.weth, f.weth, pool, market));
    let c = f.chain.read(vault, &IYieldVault::configCall {}).unwrap();
    assert_eq!((c._10, c._11), (f.source, ledger));
    assert_eq!(f.chain.read(membership, &IMembership::vaultCall {}).unwrap(), vault);
    assert_eq!(
        f.chain.read(membership, &IMembership::accountOfCall { tokenId: U256::ZERO }).unwrap(),
        pool
    );
    for (target, has) in [
        (vault, IYieldVault::hasRoleCall { role: B256::ZERO, account: ADMIN }.abi_encode()),
        (ledger, IComputeLedger::hasRoleCall { role: B256::ZERO, account: ADMIN }.abi_encode()),
        (market, IJobMarket::hasRoleCall { role: B256::ZERO, account: ADMIN }.abi_encode()),
    ] {
        let yes = f.chain.view(ADMIN, target, has.clone());
        assert_eq!(yes.output[31], 1, "admin holds the admin role");
        let mut no = has[..36].to_vec();
        no.extend_from_slice(&f.factory.into_word().0);
        assert_eq!(f.chain.view(ADMIN, target, no).output[31], 0, "the factory holds none");
    }
    // A member joins through the clones and leaves with exactly the stake.
    let alice = member(0);
    let id =
        f.chain.send_value(alice, membership, u(STAKE), &IMembership::joinCall {}).expect("join");
    let account = f.chain.read(membership, &IMembership::accountOfCall { tokenId: id }).unwrap();
    assert_eq!(f.chain.read(vault, &vault::IERC20::balanceOfCall { account }).unwrap(), u(STAKE));
    assert_eq!(f.chain.read(vault, &IERC4626::totalAssetsCall {}).unwrap(), u(STAKE));
    let now = f.chain.block().timestamp;
    f.chain.warp(now + LOCK);
    let redeem = IYieldVault::redeemEthCall { shares: u(STAKE), receiver: alice, owner: account };
    let exec = ITbaAccount::executeCall {
        to: vault,
        value: U256::ZERO,
        data: redeem.abi_encode().into(),
        operation: 0,
    };
    let before = f.chain.balance(alice);
    ok(f.chain.call(alice, account, U256::ZERO, exec.abi_encode()), "leave");
    assert_eq!(f.chain.balance(alice) - before, u(STAKE), "exactly the stake, in ETH");
}

#[test]
fn no_clone_can_be_set_up_twice_or_taken_and_no_implementation_used() {
    let mut f = deploy_factory();
    let salt = B256::repeat_byte(9);
    let call = create_call(&f, ADMIN, salt);
    ok(f.chain.call(OUTSIDER, f.factory, U256::ZERO, call.abi_encode()), "createCommunity");
    let p = predict(&mut f, OUTSIDER, salt);
    // A second setup of each clone, by anyone, fails (the constructor ran in the clone).
    let args = ledger::Constructor::abi_encode_params(&(
        OUTSIDER, OUTSIDER, f.weth, f.weth, OUTSIDER, 0, OUTSIDER,
    ));
    for target in [p._0, p._1, p._2, p._3] {
        let mut data = local_chain::constructor_selector().to_vec();
        data.extend_from_slice(&args);
        assert!(!f.chain.call(OUTSIDER, target, U256::ZERO, data).success, "set up again");
    }
    // Nor can anyone set up an implementation (each ran its constructor when deployed).
    for target in f.impls {
        let mut data = local_chain::constructor_selector().to_vec();
        data.extend_from_slice(&args);
        assert!(!f.chain.call(OUTSIDER, target, U256::ZERO, data).success, "implementation");
    }
    // The same deployer and salt again: the addresses are taken.
    let again = f.chain.call(OUTSIDER, f.factory, U256::ZERO, call.abi_encode());
    assert!(!again.success);
    let err = again.revert_as::<ICommunityFactory::CloneFailed>().expect("CloneFailed");
    assert_eq!(err._0, f.impls[3], "the first clone made, the membership's");
    // Another deployer's community with the same salt lands elsewhere (the salt is bound
    // to the caller, so no one can squat or front-run a deployer's addresses).
    let other = predict(&mut f, ADMIN, salt);
    assert_ne!(other._0, p._0);
    ok(f.chain.call(ADMIN, f.factory, U256::ZERO, call.abi_encode()), "second community");
    assert_eq!(
        f.chain.read(f.factory, &ICommunityFactory::communityCountCall {}).unwrap(),
        U256::from(2)
    );
    let err = f
        .chain
        .read(f.factory, &ICommunityFactory::communityAtCall { index: U256::from(2) })
        .unwrap_err();
    assert!(err.revert_as::<ICommunityFactory::UnknownCommunity>().is_some());
    // A zero admin is refused.
    let bad = create_call(&f, Address::ZERO, B256::repeat_byte(1));
    let r = f.chain.call(OUTSIDER, f.factory, U256::ZERO, bad.abi_encode());
    assert!(r.revert_as::<ICommunityFactory::InvalidArgument>().is_some());
    // A setup a clone refuses (a zero stake) fails the whole creation, naming the clone
    // and carrying its own error.
    let mut zero_stake = create_call(&f, ADMIN, B256::repeat_byte(2));
    zero_stake.stake = U256::ZERO;
    let r = f.chain.call(OUTSIDER, f.factory, U256::ZERO, zero_stake.abi_encode());
    let err = r.revert_as::<ICommunityFactory::SetupFailed>().expect("SetupFailed");
    let q = predict(&mut f, OUTSIDER, B256::repeat_byte(2));
    assert_eq!(err._0, q._3, "the membership's setup");
    assert!(f.chain.code(q._3).is_empty(), "nothing of the failed creation stays");
    // The implementations it clones.
    let i = f.chain.read(f.factory, &ICommunityFactory::implementationsCall {}).unwrap();
    assert_eq!([i._0, i._1, i._2, i._3], f.impls);
}

#[test]
fn a_factory_needs_every_implementation() {
    let mut f = deploy_factory();
    let args = factory::Constructor::abi_encode_params(&(
        f.impls[0],
        f.impls[1],
        f.impls[2],
        Address::ZERO,
        f.impls[0],
        f.impls[0],
        f.impls[0],
    ));
    assert!(f.chain.deploy_artifact(ADMIN, "community-factory", Some(&args)).is_err());
}

/// An ETH join goes through the vault's `depositEth`, which wraps it: a community made
/// without ETH support refuses ETH joins whole (no NFT, no ETH kept anywhere) and takes
/// the same stake as wrapped ETH.
#[test]
fn an_eth_join_needs_a_vault_made_with_eth_support() {
    let mut f = deploy_factory();
    let salt = B256::repeat_byte(7);
    let predicted = predict(&mut f, OUTSIDER, salt);
    let (vault, membership) = (predicted._0, predicted._3);
    let call =
        ICommunityFactory::createCommunityCall { native: false, ..create_call(&f, ADMIN, salt) };
    ok(f.chain.call(OUTSIDER, f.factory, U256::ZERO, call.abi_encode()), "createCommunity");
    let alice = member(0);
    let before = f.chain.balance(alice);
    let r = f.chain.call(alice, membership, u(STAKE), IMembership::joinCall {}.abi_encode());
    let e = r.revert_as::<IMembership::DepositFailed>().expect("DepositFailed");
    assert_eq!((e._0, e._1), (vault, u(STAKE)));
    assert_eq!(f.chain.balance(alice), before, "the ETH stays with the member");
    assert_eq!(f.chain.balance(membership), U256::ZERO);
    assert_eq!(f.chain.balance(vault), U256::ZERO);
    assert_eq!(f.chain.read(membership, &IMembership::nextTokenIdCall {}).unwrap(), U256::from(1));
    // The same stake as wrapped ETH joins.
    f.chain.send_value(alice, f.weth, u(STAKE), &weth::IMockErc20::depositCall {}).expect("wrap");
    let approve = weth::IERC20::approveCall { spender: membership, value: u(STAKE) };
    f.chain.send(alice, f.weth, &approve).expect("approve");
    let id = f.chain.send(alice, membership, &IMembership::joinCall {}).expect("join");
    let account = f.chain.read(membership, &IMembership::accountOfCall { tokenId: id }).unwrap();
    assert_eq!(f.chain.read(vault, &vault::IERC20::balanceOfCall { account }).unwrap(), u(STAKE));
}
