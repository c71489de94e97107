//! A whole community on the local Stylus chain, from the built artifacts: registry, account
//! implementation, WETH (mock-erc20), an ERC-4626 yield source over it (mock-yield-source),
//! the yield vault, the compute ledger and the membership NFT; on demand the model registry
//! and the job market. Paid in WETH (its asset), or in a 6-decimal stable token that each
//! harvest buys through a swap router (mock-swap-router) at a minimum priced from a feed
//! (mock-price-feed). Shared by the `lifecycle`, `regressions`, `vault` and `invariants`
//! scenarios. Contracts are bound only through their committed ABI files (`super::abi`).
#![allow(dead_code, clippy::too_many_arguments)]

use alloy_sol_types::{SolCall, SolType, SolValue};
use local_chain::{Address, Bytes, CallError, Chain, DeployError, Receipt, B256, U256};

use super::abi::{
    account::ITbaAccount,
    feed,
    ledger::{self, IComputeLedger},
    market::{self, IJobMarket},
    membership::{self, IMembership, IMembershipEvents},
    models::{self, IModelRegistry},
    router, source,
    vault::{self, IYieldVault},
    weth::{self, IMockErc20},
};

pub const ETH: u128 = 1_000_000_000_000_000_000;
/// Exactly 0.1 ETH.
pub const STAKE: u128 = ETH / 10;
pub const DAY: u64 = 86_400;
pub const LOCK: u64 = 30 * DAY;
/// The ledger's delay on a change of market (`compute_ledger::MARKET_DELAY`).
pub const MARKET_DELAY: u64 = 2 * DAY;
pub const YEAR: u64 = 365 * DAY;
/// 20% of each harvest to the community pool.
pub const POOL_BPS: u16 = 2_000;

pub const ADMIN: Address = Address::new([0xAD; 20]);
/// The community AI's key (a scoped delegate on the pool NFT's account).
pub const AI_KEY: Address = Address::new([0xA1; 20]);
/// Stand-in for the job market contract (see `Jobs`): the ledger's market role.
pub const MARKET: Address = Address::new([0x3A; 20]);
pub const KEEPER: Address = Address::new([0x4E; 20]);
pub const OUTSIDER: Address = Address::new([0x0B; 20]);
pub const PROVIDERS: [Address; 2] = [Address::new([0x91; 20]), Address::new([0x92; 20])];

/// A converting community's payment token has 6 decimals, its feed 8 (as USDC and a
/// Chainlink USD feed): the ledger scales the price across all three.
pub const PAYMENT_DECIMALS: u8 = 6;
pub const FEED_DECIMALS: u8 = 8;
/// The feed's fair price: 2,000 payment tokens per asset token.
pub const FAIR_PRICE: i128 = 2_000 * 100_000_000;
/// The router's rate at the fair price (output per input, scaled by 1e18): 1e18 asset
/// units buy 2,000e6 payment units.
pub const FAIR_RATE: u128 = 2_000 * 1_000_000;
/// The conversion's settings: prices older than this are stale (longer than the property
/// tests' longest warp, so a fresh price survives one and staleness is their own
/// operation's), the router may pay 1% under the feed's price, and prices outside
/// [100, 100,000] are refused.
pub const MAX_PRICE_AGE: u64 = 45 * DAY;
pub const SLIPPAGE_BPS: u16 = 100;
pub const MIN_PRICE: u128 = 100 * 100_000_000;
pub const MAX_PRICE: u128 = 100_000 * 100_000_000;
/// Payment tokens the router holds to pay out: more than any scenario converts.
pub const ROUTER_FUNDS: u128 = 1_000_000_000 * 1_000_000;

/// The swap router and the price feed of a converting community.
#[derive(Debug, Clone, Copy)]
pub struct Conversion {
    pub router: Address,
    pub feed: Address,
}

/// The `i`-th member's wallet.
pub fn member(i: usize) -> Address {
    let mut a = [0u8; 20];
    a[0] = 0x5E;
    a[12..20].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Address::new(a)
}

pub fn u(x: u128) -> U256 {
    U256::from(x)
}

/// Contracts deployed with `set_code` + `initialize` because their artifact is over the
/// 24 KiB code-size limit (a real deployment of that artifact fails; the lifecycle report
/// lists them).
#[derive(Debug, Default, Clone)]
pub struct Oversize(pub Vec<(String, usize)>);

#[derive(Debug)]
pub struct Community {
    pub chain: Chain,
    pub registry: Address,
    pub implementation: Address,
    pub weth: Address,
    /// The ledger's payment token: `weth`, or a stable token bought at each harvest.
    pub payment: Address,
    /// Set when `payment` is not the asset.
    pub conversion: Option<Conversion>,
    pub source: Address,
    pub vault: Address,
    pub ledger: Address,
    pub membership: Address,
    pub pool_account: Address,
    pub oversize: Oversize,
}

/// Deploys a Stylus artifact; when it is over the code-size limit, puts its code at the
/// address the deployment would have had, activates it and leaves it uninitialised (the
/// caller runs `initialize`). Records which artifacts needed that.
fn deploy(
    chain: &mut Chain,
    name: &str,
    args: Option<&[u8]>,
    oversize: &mut Oversize,
) -> (Address, bool) {
    let code = local_chain::artifact(name).unwrap_or_else(|e| panic!("{e}"));
    let first = chain.deploy_stylus(ADMIN, &code, args, U256::ZERO);
    match first {
        Ok(a) => (a, true),
        Err(DeployError::Create(r)) if code.len() > local_chain::MAX_CODE_SIZE => {
            let _ = r;
            // The address the StylusDeployer flow would have used (its CREATE address).
            let deployer = local_chain::STYLUS_DEPLOYER;
            let nonce = chain.nonce(deployer);
            let a = deployer.create(nonce);
            chain.set_code(a, code.clone());
            chain.activate(a).unwrap_or_else(|e| panic!("activate {name}: {e}"));
            // One deployer CREATE per deployment, as the chain does.
            chain.set_nonce(deployer, nonce + 1);
            oversize.0.push((name.to_string(), code.len()));
            (a, false)
        }
        Err(e) => panic!("deploy {name}: {e}"),
    }
}

/// Runs the constructor of a contract deployed without the StylusDeployer (an oversize
/// artifact): the constructor, called once, sets up such a contract as it sets up a clone.
fn construct(chain: &mut Chain, at: Address, args: &[u8], what: &str) {
    let mut call = local_chain::constructor_selector().to_vec();
    call.extend_from_slice(args);
    ok(chain.call(ADMIN, at, U256::ZERO, call), &format!("{what} constructor"));
}

pub fn ok(r: Receipt, what: &str) -> Receipt {
    assert!(r.success, "{what} failed: {} 0x{}", r.status, local_chain::hex::encode(&r.output));
    r
}

impl Community {
    /// The community: stake exactly 0.1 ETH, 30-day lock, payment token WETH, 20% pool.
    pub fn deploy() -> Self {
        Self::deploy_paying(false)
    }

    /// The same community paid in a 6-decimal stable token: each harvest swaps its WETH
    /// through the router at a minimum priced from the feed (fair price, 1% slippage).
    pub fn deploy_converting() -> Self {
        Self::deploy_paying(true)
    }

    fn deploy_paying(converting: bool) -> Self {
        let mut chain = Chain::new();
        for a in [ADMIN, AI_KEY, MARKET, KEEPER, OUTSIDER, PROVIDERS[0], PROVIDERS[1]] {
            chain.set_balance(a, u(1_000_000 * ETH));
        }
        let mut oversize = Oversize::default();
        let registry = deploy(&mut chain, "erc6551-registry", None, &mut oversize).0;
        let implementation = deploy(&mut chain, "tba-account", None, &mut oversize).0;
        let weth_args = weth::Constructor::abi_encode_params(&(
            "Wrapped Ether".to_string(),
            "WETH".to_string(),
            18,
        ));
        let weth = deploy(&mut chain, "mock-erc20", Some(&weth_args), &mut oversize).0;
        let source_args = source::Constructor::abi_encode_params(&(
            weth,
            "Yield Source".to_string(),
            "ysWETH".to_string(),
        ));
        let source = deploy(&mut chain, "mock-yield-source", Some(&source_args), &mut oversize).0;
        let payment = if converting {
            let args = weth::Constructor::abi_encode_params(&(
                "USD Coin".to_string(),
                "USDC".to_string(),
                PAYMENT_DECIMALS,
            ));
            deploy(&mut chain, "mock-erc20", Some(&args), &mut oversize).0
        } else {
            weth
        };
        // The vault needs its ledger at setup and the ledger its vault: the ledger is
        // deployed first for the vault's predicted address (the pool account, which needs
        // the membership contract, which needs the vault, is set afterwards).
        // Both go through the StylusDeployer (constructor arguments). How many deployer
        // transactions a deployment takes is the chain's business: measure it on a snapshot
        // (a trial deployment of the ledger), then predict the vault's CREATE address.
        let deployer = local_chain::STYLUS_DEPLOYER;
        let nonce = chain.nonce(deployer);
        let snap = chain.snapshot();
        let mut trial = Oversize::default();
        let trial_args = ledger::Constructor::abi_encode_params(&(
            ADMIN, ADMIN, weth, payment, ADMIN, POOL_BPS, MARKET,
        ));
        deploy(&mut chain, "compute-ledger", Some(&trial_args), &mut trial);
        let step = chain.nonce(deployer) - nonce;
        chain.revert_to(snap);
        let predicted_vault = deployer.create(nonce + step);
        let ledger_args = ledger::Constructor::abi_encode_params(&(
            ADMIN,
            predicted_vault,
            weth,
            payment,
            ADMIN,
            POOL_BPS,
            MARKET,
        ));
        let (ledger, constructed) =
            deploy(&mut chain, "compute-ledger", Some(&ledger_args), &mut oversize);
        if !constructed {
            construct(&mut chain, ledger, &ledger_args, "ledger");
        }
        let vault_args = vault::Constructor::abi_encode_params(&(
            weth,
            source,
            ledger,
            ADMIN,
            B256::right_padding_from(b"Community Stake"),
            B256::right_padding_from(b"cSTAKE"),
            true,
            LOCK,
            u(STAKE),
            true,
        ));
        let (vault, constructed) =
            deploy(&mut chain, "yield-vault", Some(&vault_args), &mut oversize);
        assert_eq!(vault, predicted_vault);
        if !constructed {
            construct(&mut chain, vault, &vault_args, "vault");
        }
        let membership_args = membership::Constructor::abi_encode_params(&(
            "Open Compute Community".to_string(),
            "OCC".to_string(),
            "ipfs://occ/".to_string(),
            ADMIN,
            weth,
            vault,
            registry,
            implementation,
            u(STAKE),
        ));
        let (membership, constructed) =
            deploy(&mut chain, "membership", Some(&membership_args), &mut oversize);
        if !constructed {
            construct(&mut chain, membership, &membership_args, "membership");
        }
        let pool_account = chain
            .read(membership, &IMembership::accountOfCall { tokenId: U256::ZERO })
            .expect("pool account");
        ok(
            chain.call(
                ADMIN,
                ledger,
                U256::ZERO,
                IComputeLedger::setPoolCall { pool: pool_account, poolBps: POOL_BPS }.abi_encode(),
            ),
            "ledger setPool",
        );
        let conversion = converting.then(|| configure_conversion(&mut chain, ledger, payment));
        Community {
            chain,
            registry,
            implementation,
            weth,
            payment,
            conversion,
            source,
            vault,
            ledger,
            membership,
            pool_account,
            oversize,
        }
    }

    /// `who` joins with exactly 0.1 ETH in one transaction: (token id, account, receipt).
    pub fn join(&mut self, who: Address) -> (U256, Address, Receipt) {
        let r = ok(self.try_join(who), "join");
        let joined = r.events::<IMembershipEvents::Joined>();
        (joined[0].tokenId, joined[0].account, r)
    }

    /// `join` that may fail (the receipt says).
    pub fn try_join(&mut self, who: Address) -> Receipt {
        if self.chain.balance(who) < u(STAKE) {
            let b = self.chain.balance(who);
            self.chain.set_balance(who, b + u(STAKE));
        }
        let r =
            self.chain.call(who, self.membership, u(STAKE), IMembership::joinCall {}.abi_encode());
        if !r.success {
            return r;
        }
        let joined = r.events::<IMembershipEvents::Joined>();
        assert_eq!(joined.len(), 1, "one Joined event");
        let (id, account) = (joined[0].tokenId, joined[0].account);
        assert_eq!(joined[0].member, who);
        assert_eq!(
            self.chain.read(self.membership, &IMembership::accountOfCall { tokenId: id }).unwrap(),
            account
        );
        r
    }

    /// The NFT owner acts through the account.
    pub fn exec(&mut self, from: Address, account: Address, to: Address, data: Vec<u8>) -> Receipt {
        self.chain.call(
            from,
            account,
            U256::ZERO,
            ITbaAccount::executeCall {
                to,
                value: U256::ZERO,
                data: Bytes::from(data),
                operation: 0,
            }
            .abi_encode(),
        )
    }

    /// The NFT owner redeems every share of `account` to themselves as ETH, in one call
    /// through the account (`redeemEth`): returns the ETH received and the receipt.
    pub fn leave(&mut self, owner: Address, account: Address) -> (U256, Receipt) {
        let shares = self.shares(account);
        let eth_before = self.chain.balance(owner);
        let r = self.exec(
            owner,
            account,
            self.vault,
            IYieldVault::redeemEthCall { shares, receiver: owner, owner: account }.abi_encode(),
        );
        if !r.success {
            return (U256::ZERO, r);
        }
        (self.chain.balance(owner) - eth_before, r)
    }

    /// Raises the source's rate: `amount` of WETH appears in it (yield).
    pub fn accrue(&mut self, amount: U256) {
        ok(
            self.chain.call(
                ADMIN,
                self.weth,
                U256::ZERO,
                IMockErc20::mintCall { to: self.source, amount }.abi_encode(),
            ),
            "yield mint",
        );
    }

    pub fn harvest(&mut self) -> Receipt {
        self.chain.call(KEEPER, self.vault, U256::ZERO, IYieldVault::harvestCall {}.abi_encode())
    }

    pub fn weth_of(&mut self, who: Address) -> U256 {
        self.chain.read(self.weth, &weth::IERC20::balanceOfCall { account: who }).unwrap()
    }
    /// Balance of the ledger's payment token (WETH unless the community converts).
    pub fn payment_of(&mut self, who: Address) -> U256 {
        self.chain.read(self.payment, &weth::IERC20::balanceOfCall { account: who }).unwrap()
    }
    pub fn shares(&mut self, who: Address) -> U256 {
        self.chain.read(self.vault, &vault::IERC20::balanceOfCall { account: who }).unwrap()
    }
    pub fn supply(&mut self) -> U256 {
        self.chain.read(self.vault, &vault::IERC20::totalSupplyCall {}).unwrap()
    }
    pub fn spendable(&mut self, account: Address) -> U256 {
        self.chain.read(self.ledger, &IComputeLedger::spendableCall { account }).unwrap()
    }
    pub fn reserved(&mut self, account: Address) -> U256 {
        self.chain.read(self.ledger, &IComputeLedger::reservedCall { account }).unwrap()
    }
    /// (accounted, owed to the market, unconverted).
    pub fn totals(&mut self) -> (U256, U256, U256) {
        let t = self.chain.read(self.ledger, &IComputeLedger::totalsCall {}).unwrap();
        (t._0, t._1, t._2)
    }
    /// Value of the vault's position in the source plus its idle WETH.
    pub fn vault_value(&mut self) -> U256 {
        let s = self
            .chain
            .read(self.source, &source::IERC20::balanceOfCall { account: self.vault })
            .unwrap();
        let pos = if s.is_zero() {
            U256::ZERO
        } else {
            self.chain
                .read(self.source, &source::IERC4626::convertToAssetsCall { shares: s })
                .unwrap()
        };
        pos + self.weth_of(self.vault)
    }
    /// What the source holds plus the vault's idle WETH (exact: the vault is the source's
    /// only depositor).
    pub fn assets_held(&mut self) -> U256 {
        self.chain.read(self.source, &source::IERC4626::totalAssetsCall {}).unwrap()
            + self.weth_of(self.vault)
    }
    /// Yield attributed and not yet harvested (owed to the ledger, senior to principal).
    pub fn pending_yield(&mut self) -> U256 {
        // `config()`'s 13th value is the yield pending harvest.
        self.chain.read(self.vault, &IYieldVault::configCall {}).expect("vault config()")._12
    }
    pub fn owner_of(&mut self, id: U256) -> Address {
        self.chain.read(self.membership, &membership::IERC721::ownerOfCall { tokenId: id }).unwrap()
    }
    pub fn now(&self) -> u64 {
        self.chain.block().timestamp
    }
    pub fn warp_by(&mut self, seconds: u64) {
        let t = self.now() + seconds;
        self.chain.warp(t);
    }

    /// Keeps `programs` activated for another year, as a community running longer than
    /// Nitro's program expiry must: ArbWasm's `codehashKeepalive` for each code hash,
    /// with enough ETH for the data fee (the rest is refunded).
    pub fn keepalive(&mut self, programs: &[Address]) {
        use local_chain::{arbwasm::codehashKeepaliveCall, ARB_WASM};
        let mut seen = std::collections::HashSet::new();
        for program in programs {
            let hash = alloy_primitives::keccak256(self.chain.code(*program));
            if seen.insert(hash) {
                let call = codehashKeepaliveCall { codehash: hash }.abi_encode();
                let r = self.chain.call(ADMIN, ARB_WASM, U256::from(10u64.pow(18)), call);
                assert!(r.success, "keepalive of {program}: {}", r.status);
            }
        }
    }
}

/// Deploys the router (at the fair rate, funded) and the feed (the fair price, fresh) of
/// a converting community and points the ledger at them.
fn configure_conversion(chain: &mut Chain, ledger: Address, payment: Address) -> Conversion {
    let mut oversize = Oversize::default();
    let args = router::Constructor::abi_encode_params(&(u(FAIR_RATE),));
    let router = deploy(chain, "mock-swap-router", Some(&args), &mut oversize).0;
    let now = U256::from(chain.block().timestamp);
    let args = feed::Constructor::abi_encode_params(&(
        FEED_DECIMALS,
        alloy_primitives::I256::try_from(FAIR_PRICE).unwrap(),
        now,
    ));
    let feed = deploy(chain, "mock-price-feed", Some(&args), &mut oversize).0;
    assert!(oversize.0.is_empty(), "the mocks deploy directly");
    ok(
        chain.call(
            ADMIN,
            payment,
            U256::ZERO,
            IMockErc20::mintCall { to: router, amount: u(ROUTER_FUNDS) }.abi_encode(),
        ),
        "fund the router",
    );
    let set = IComputeLedger::setConversionCall {
        router,
        fee: alloy_primitives::aliases::U24::from(500u16),
        feed,
        maxAge: MAX_PRICE_AGE,
        slippageBps: SLIPPAGE_BPS,
        minAnswer: u(MIN_PRICE),
        maxAnswer: u(MAX_PRICE),
    };
    ok(chain.call(ADMIN, ledger, U256::ZERO, set.abi_encode()), "ledger setConversion");
    Conversion { router, feed }
}

/// Decodes a failed call's custom error.
pub fn revert_of<E: alloy_sol_types::SolError>(r: &Receipt) -> Option<E> {
    r.revert_as::<E>()
}

pub fn call_err<E: alloy_sol_types::SolError>(e: &CallError) -> Option<E> {
    e.revert_as::<E>()
}

pub fn selector<C: SolCall>() -> local_chain::Bytes {
    Bytes::copy_from_slice(&C::SELECTOR)
}

pub fn b4<C: SolCall>() -> alloy_primitives::FixedBytes<4> {
    alloy_primitives::FixedBytes::<4>::from(C::SELECTOR)
}

/// The solvency invariants over the accounts the caller knows (every
/// holder of shares or credits): panics with `ctx` on the first broken one.
/// - vault position + idle >= principal owed, unless in deficit;
/// - Σ shares over `holders` == total supply;
/// - the ledger's payment tokens == accounted (plus unconverted when the payment token is
///   the asset), accounted >= Σ credits + Σ reserved + owed;
/// - a converting ledger holds at least its unconverted assets.
///
/// Returns (Σ spendable, Σ reserved, owed, ledger dust).
pub fn check_invariants(
    c: &mut Community,
    holders: &[Address],
    ctx: &str,
) -> (U256, U256, U256, U256) {
    let supply = c.supply();
    let mut sum = U256::ZERO;
    let mut credits = U256::ZERO;
    let mut reserved = U256::ZERO;
    for &h in holders {
        sum += c.shares(h);
        credits += c.spendable(h);
        reserved += c.reserved(h);
    }
    assert_eq!(sum, supply, "{ctx}: Σ shares != total supply");
    let (accounted, owed, unconverted) = c.totals();
    let balance = c.payment_of(c.ledger);
    if c.payment == c.weth {
        assert_eq!(
            balance,
            accounted + unconverted,
            "{ctx}: ledger balance != accounted + unconverted"
        );
    } else {
        assert_eq!(balance, accounted, "{ctx}: ledger payment balance != accounted");
        let assets = c.weth_of(c.ledger);
        assert!(
            assets >= unconverted,
            "{ctx}: ledger holds {assets} of the asset < unconverted {unconverted}"
        );
    }
    let claims = credits + reserved + owed;
    assert!(accounted >= claims, "{ctx}: ledger books {accounted} < claims {claims} (credits {credits}, reserved {reserved}, owed {owed})");
    (credits, reserved, owed, accounted - claims)
}

pub const ARBITER: Address = Address::new([0xAB; 20]);
/// The market's role ids: `keccak256("ARBITER_ROLE")`, `keccak256("GUARDIAN_ROLE")`.
pub fn market_role(name: &str) -> B256 {
    local_chain::keccak256(name.as_bytes())
}
pub const BOND: u128 = ETH;
pub const CHALLENGE_WINDOW: u64 = DAY;
pub const MIN_WINDOW: u64 = 3_600;
/// The arbiter's time after the challenge window; then a dispute settles by default.
pub const DISPUTE_WINDOW: u64 = 3 * DAY;
pub const SLASH_BPS: u16 = 1_000;
/// Provider prices, credits (WETH wei) per unit.
pub const PRICES: [u128; 2] = [1_000_000_000, 2_000_000_000];

/// The model registry and the job market, wired to the community's ledger; one members-only
/// model ("an open 8B chat model"); two providers with bonds and prices.
#[derive(Debug, Clone, Copy)]
pub struct Market {
    pub models: Address,
    pub market: Address,
    pub model: U256,
}

impl Community {
    pub fn deploy_market(&mut self) -> Market {
        let mut oversize = self.oversize.clone();
        let models = deploy(
            &mut self.chain,
            "model-registry",
            Some(&models::Constructor::abi_encode_params(&(ADMIN,))),
            &mut oversize,
        )
        .0;
        let args =
            market::Constructor::abi_encode_params(&(ADMIN, self.ledger, self.payment, models));
        let (market, constructed) =
            deploy(&mut self.chain, "job-market", Some(&args), &mut oversize);
        assert!(constructed, "job-market has no initialiser: it must deploy directly");
        self.oversize = oversize;
        let reg = IModelRegistry::registerModelCall {
            metadataUri: Bytes::from_static(b"ipfs://models/open-8b-chat.json"),
            weightsHash: local_chain::keccak256(b"an open 8B chat model"),
            unitKind: 0,
            collection: self.membership,
            registry: self.registry,
            implementation: self.implementation,
        };
        let r = ok(self.chain.call(ADMIN, models, U256::ZERO, reg.abi_encode()), "register model");
        let model = U256::abi_decode(&r.output).expect("model id");
        ok(
            self.chain.call(
                ADMIN,
                market,
                U256::ZERO,
                IJobMarket::setParamsCall {
                    minBond: u(BOND),
                    unbondDelay: 7 * DAY,
                    challengeWindow: CHALLENGE_WINDOW,
                    disputeWindow: DISPUTE_WINDOW,
                    minWindow: MIN_WINDOW,
                    callbackGas: 50_000,
                    slashBps: SLASH_BPS,
                }
                .abi_encode(),
            ),
            "market params",
        );
        for (role, account) in [("ARBITER_ROLE", ARBITER), ("GUARDIAN_ROLE", ADMIN)] {
            ok(
                self.chain.call(
                    ADMIN,
                    market,
                    U256::ZERO,
                    IJobMarket::grantRoleCall { role: market_role(role), account }.abi_encode(),
                ),
                "market roles",
            );
        }
        ok(
            self.chain.call(
                ADMIN,
                self.ledger,
                U256::ZERO,
                IComputeLedger::setMarketCall { market }.abi_encode(),
            ),
            "ledger market",
        );
        // The ledger had a market (the stand-in): a change waits its delay, then anyone
        // applies it.
        self.warp_by(MARKET_DELAY);
        ok(
            self.chain.call(
                OUTSIDER,
                self.ledger,
                U256::ZERO,
                IComputeLedger::applyMarketCall {}.abi_encode(),
            ),
            "ledger applyMarket",
        );
        for (p, price) in PROVIDERS.iter().zip(PRICES) {
            ok(
                self.chain.call(
                    ADMIN,
                    self.payment,
                    U256::ZERO,
                    IMockErc20::mintCall { to: *p, amount: u(BOND) }.abi_encode(),
                ),
                "bond mint",
            );
            ok(
                self.chain.call(
                    *p,
                    self.payment,
                    U256::ZERO,
                    weth::IERC20::approveCall { spender: market, value: u(BOND) }.abi_encode(),
                ),
                "bond approve",
            );
            ok(
                self.chain.call(
                    *p,
                    market,
                    U256::ZERO,
                    IJobMarket::joinProviderCall {
                        endpoint: Bytes::from_static(b"https://provider.example/v1"),
                        bond: u(BOND),
                    }
                    .abi_encode(),
                ),
                "join provider",
            );
            ok(
                self.chain.call(
                    *p,
                    market,
                    U256::ZERO,
                    IJobMarket::setPriceCall { model, price: u(price) }.abi_encode(),
                ),
                "set price",
            );
        }
        Market { models, market, model }
    }
}
