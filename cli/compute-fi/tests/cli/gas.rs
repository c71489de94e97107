//! What a community costs in gas: the factory's one transaction against the same four
//! contracts deployed one by one through the StylusDeployer (their code already active, so
//! no activation in either), on the local node. Prints the README's figures.

use alloy::{
    network::TransactionBuilder,
    primitives::{B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolValue},
};
use compute_fi::bindings::{registry::IErc6551Registry, IStylusDeployer, STYLUS_DEPLOYER};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_through_the_factory_costs_less_gas_than_contract_by_contract() {
    let n = node().await;
    let url = n.url();
    let dir = temp_dir("gas");
    let d = cli(&url, KEY0, &dir, &["deploy"]).ok().json()["deployment"].clone();
    let at = |name: &str| addr(&d["contracts"][name]["address"]);
    let (weth, source) =
        (addr(&d["externals"]["weth"]["address"]), addr(&d["externals"]["source"]["address"]));
    let p = wallet(&url, KEY0);
    let admin = address_of(KEY0);

    let created = cli(
        &url,
        KEY0,
        &dir,
        &[
            "community",
            "create",
            "--name",
            "Open Compute",
            "--symbol",
            "OCC",
            "--stake",
            "0.1",
            "--lock",
            "30d",
        ],
    )
    .ok()
    .json();
    let tx: B256 = created["tx"].as_str().unwrap().parse().unwrap();
    let factory_gas = p.get_transaction_receipt(tx).await.unwrap().unwrap().gas_used;

    // The same community, contract by contract, at CREATE addresses predicted from the
    // deployer's nonce (membership, ledger, vault, market: the factory's order).
    let nonce = p.get_transaction_count(STYLUS_DEPLOYER).await.unwrap();
    let [membership, ledger, vault, market] =
        [0, 1, 2, 3].map(|i| STYLUS_DEPLOYER.create(nonce + i));
    let chain_id = U256::from(412_346u64);
    let pool = IErc6551Registry::new(at("erc6551-registry"), &p)
        .account(at("tba-account"), B256::ZERO, chain_id, membership, U256::ZERO)
        .call()
        .await
        .unwrap();
    let stake = eth(100);
    let word = |s: &str| B256::right_padding_from(s.as_bytes());
    let programs: [(&str, Vec<u8>); 4] = [
        (
            "membership",
            (
                "Open Compute".to_string(),
                "OCC".to_string(),
                String::new(),
                admin,
                weth,
                vault,
                at("erc6551-registry"),
                at("tba-account"),
                stake,
            )
                .abi_encode_params(),
        ),
        ("compute-ledger", (admin, vault, weth, weth, pool, 2_000u16, market).abi_encode_params()),
        (
            "yield-vault",
            (
                weth,
                source,
                ledger,
                admin,
                word("Open Compute"),
                word("OCC"),
                true,
                30 * 86_400u64,
                stake,
                true,
            )
                .abi_encode_params(),
        ),
        ("job-market", (admin, ledger, weth, at("model-registry")).abi_encode_params()),
    ];
    let mut by_contract = 0u64;
    for ((name, args), expected) in programs.into_iter().zip([membership, ledger, vault, market]) {
        let code = std::fs::read(artifacts().join(format!("{name}.code"))).unwrap();
        let call = IStylusDeployer::deployCall {
            bytecode: local_chain::deployer_initcode(&code),
            initData: [&local_chain::constructor_selector()[..], &args].concat().into(),
            initValue: U256::ZERO,
            salt: B256::ZERO,
        };
        let tx =
            TransactionRequest::default().with_to(STYLUS_DEPLOYER).with_input(call.abi_encode());
        let r = p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
        assert!(r.status(), "{name}");
        let e = r.decoded_log::<IStylusDeployer::ContractDeployed>().unwrap();
        assert_eq!(e.deployedContract, expected, "{name}");
        println!("  {name}: {} gas", r.gas_used);
        by_contract += r.gas_used;
    }
    assert_eq!(
        compute_fi::bindings::membership::IMembership::new(membership, &p)
            .accountOf(U256::ZERO)
            .call()
            .await
            .unwrap(),
        pool
    );
    println!("createCommunity: {factory_gas} gas; contract by contract: {by_contract} gas in 4 transactions");
    assert!(factory_gas * 5 < by_contract, "the clones save the code deposit");
    n.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
