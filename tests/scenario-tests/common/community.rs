//! A whole community on the local Stylus chain, from the built artifacts: registry, account
//! implementation, WETH (mock-erc20), an ERC-4626 yield source over it (mock-yield-source),
//! the yield vault, the compute ledger and the membership NFT. Shared by `lifecycle.rs` and
//! `invariants.rs` (issue 7). Contracts are bound here only through their ABI (`sol!`).
#![allow(dead_code, clippy::too_many_arguments)]

use alloy_sol_types::{sol, SolCall, SolValue};
use local_chain::{Address, Bytes, CallError, Chain, DeployError, Receipt, B256, U256};

sol! {
    interface IWeth {
        function mint(address to, uint256 amount) external;
        function burn(address from, uint256 amount) external;
        function deposit() external payable;
        function withdraw(uint256 wad) external;
        function balanceOf(address who) external view returns (uint256);
        function totalSupply() external view returns (uint256);
        function approve(address spender, uint256 value) external returns (bool);
        function transfer(address to, uint256 value) external returns (bool);
    }
    interface ISource {
        function simulateLoss(uint256 amount) external;
        function totalAssets() external view returns (uint256);
        function totalSupply() external view returns (uint256);
        function balanceOf(address who) external view returns (uint256);
        function convertToAssets(uint256 shares) external view returns (uint256);
    }
    interface IVault {
        function initialize(address asset, address source, address ledger, address admin, bytes32 name, bytes32 symbol, bool native, uint64 lockDuration, uint256 minStake, bool exactStake) external;
        function setLedger(address ledger) external;
        function harvest() external returns (uint256);
        function configure(uint256 totalCap, uint256 accountCap, uint256 minStake, bool exactStake, uint64 lockDuration, uint256 minHarvest, uint64 harvestInterval, bool keeperOnly, uint16 maxProfitBps, uint16 maxLossBps) external;
        function accruableYield() external view returns (uint256);
        function state() external view returns (address, address, uint256, uint64, bool, bool);
        function config() external view returns (uint256, uint256, uint256, bool, uint64, uint256, uint64, bool, uint16, uint16, address, address, uint256, uint64, uint8);
        function unlockTime(address owner) external view returns (uint64);
        function totalSupply() external view returns (uint256);
        function totalAssets() external view returns (uint256);
        function balanceOf(address who) external view returns (uint256);
        function previewRedeem(uint256 shares) external view returns (uint256);
        function maxRedeem(address owner) external view returns (uint256);
        function redeem(uint256 shares, address receiver, address owner) external returns (uint256);
        function redeemEth(uint256 shares, address receiver, address owner) external returns (uint256);
        function deposit(uint256 assets, address receiver) external returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);

        error StakeRejected(uint256 assets, uint256 stake, bool exact);
        error SharesLocked(address owner, uint64 unlockTime);
        error InsufficientShares(address owner, uint256 shares, uint256 balance);
        error ZeroAmount(uint256 assets, uint256 shares);
        error LossBeyondBound(uint256 value, uint256 principal, uint16 maxLossBps);
        error InDeficit(uint256 value, uint256 principal);
        error HarvestTooSoon(uint64 now, uint64 next);
        error HarvestBelowMinimum(uint256 pending, uint256 minimum);
        error CallFailed(address target, uint256 amount);
        event YieldAttributed(uint256 amount, uint256 totalSupply);
        event Harvested(address indexed ledger, uint256 yieldAttributed, uint256 assets, uint256 totalSupply);
    }
    interface ILedger {
        function initialize(address admin, address vault, address asset, address payment, address pool, uint16 poolBps) external;
        function topUp(address account, uint256 amount) external;
        function transferCredits(address to, uint256 amount) external;
        function settle(address account) external;
        function spendable(address account) external view returns (uint256);
        function reserved(address account) external view returns (uint256);
        function pending(address account) external view returns (uint256);
        function reserve(address account, uint256 amount) external;
        function release(address account, uint256 amount) external;
        function charge(address account, uint256 amount) external;
        function pay(address to, uint256 amount) external;
        function setMarket(address market) external;
        function setPool(address pool, uint16 poolBps) external;
        function convert() external;
        function accumulators() external view returns (uint64, uint256, uint256);
        function totals() external view returns (uint256, uint256, uint256);

        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
        error InsufficientCredits(address account, uint256 available, uint256 needed);
        error InsufficientReserved(address account, uint256 reserved, uint256 needed);
        error InsufficientOwed(uint256 owed, uint256 needed);
        event EpochClosed(uint256 indexed epoch, uint256 assets, uint256 output, uint256 members, uint256 pool);
    }
    interface IMembership {
        function join() external payable returns (uint256);
        function accountOf(uint256 tokenId) external view returns (address);
        function ownerOf(uint256 id) external view returns (address);
        function transferFrom(address from, address to, uint256 id) external;
        function nextTokenId() external view returns (uint256);
        error DepositFailed(address vault, uint256 assets);
        event Joined(address indexed member, uint256 indexed tokenId, address account, uint256 assets, uint256 shares);
    }
    interface IAccount {
        function execute(address to, uint256 value, bytes data, uint8 operation) external payable returns (bytes);
        function grantDelegate(address delegate, uint64 expiry, bool canSign, address[] targets, bytes4[] selectors) external returns (uint64);
        function owner() external view returns (address);
        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
    }
}

pub const ETH: u128 = 1_000_000_000_000_000_000;
/// Exactly 0.1 ETH.
pub const STAKE: u128 = ETH / 10;
pub const DAY: u64 = 86_400;
pub const LOCK: u64 = 30 * DAY;
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
/// 24 KiB code-size limit (a real deployment of that artifact fails: see the report).
#[derive(Debug, Default, Clone)]
pub struct Oversize(pub Vec<(String, usize)>);

#[derive(Debug)]
pub struct Community {
    pub chain: Chain,
    pub registry: Address,
    pub implementation: Address,
    pub weth: Address,
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

pub fn ok(r: Receipt, what: &str) -> Receipt {
    assert!(r.success, "{what} failed: {} 0x{}", r.status, local_chain::hex::encode(&r.output));
    r
}

impl Community {
    /// The community: stake exactly 0.1 ETH, 30-day lock, payment token WETH, 20% pool.
    pub fn deploy() -> Self {
        let mut chain = Chain::new();
        for a in [ADMIN, AI_KEY, MARKET, KEEPER, OUTSIDER, PROVIDERS[0], PROVIDERS[1]] {
            chain.set_balance(a, u(1_000_000 * ETH));
        }
        let mut oversize = Oversize::default();
        let registry = deploy(&mut chain, "erc6551-registry", None, &mut oversize).0;
        let implementation = deploy(&mut chain, "tba-account", None, &mut oversize).0;
        let weth_args =
            ("Wrapped Ether".to_string(), "WETH".to_string(), U256::from(18u8)).abi_encode_params();
        let weth = deploy(&mut chain, "mock-erc20", Some(&weth_args), &mut oversize).0;
        let source_args =
            (weth, "Yield Source".to_string(), "ysWETH".to_string()).abi_encode_params();
        let source = deploy(&mut chain, "mock-yield-source", Some(&source_args), &mut oversize).0;
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
        let trial_args = (ADMIN, ADMIN, weth, weth, ADMIN, POOL_BPS).abi_encode_params();
        deploy(&mut chain, "compute-ledger", Some(&trial_args), &mut trial);
        let step = chain.nonce(deployer) - nonce;
        chain.revert_to(snap);
        let predicted_vault = deployer.create(nonce + step);
        let ledger_init = ILedger::initializeCall {
            admin: ADMIN,
            vault: predicted_vault,
            asset: weth,
            payment: weth,
            pool: ADMIN,
            poolBps: POOL_BPS,
        };
        let ledger_args = (ADMIN, predicted_vault, weth, weth, ADMIN, POOL_BPS).abi_encode_params();
        let (ledger, constructed) =
            deploy(&mut chain, "compute-ledger", Some(&ledger_args), &mut oversize);
        if !constructed {
            ok(
                chain.call(ADMIN, ledger, U256::ZERO, ledger_init.abi_encode()),
                "ledger initialize",
            );
        }
        let vault_init = IVault::initializeCall {
            asset: weth,
            source,
            ledger,
            admin: ADMIN,
            name: B256::right_padding_from(b"Community Stake"),
            symbol: B256::right_padding_from(b"cSTAKE"),
            native: true,
            lockDuration: LOCK,
            minStake: u(STAKE),
            exactStake: true,
        };
        let vault_args = (
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
        )
            .abi_encode_params();
        let (vault, constructed) =
            deploy(&mut chain, "yield-vault", Some(&vault_args), &mut oversize);
        assert_eq!(vault, predicted_vault);
        if !constructed {
            ok(chain.call(ADMIN, vault, U256::ZERO, vault_init.abi_encode()), "vault initialize");
        }
        let membership_args = (
            "Open Compute Community".to_string(),
            "OCC".to_string(),
            "ipfs://occ/".to_string(),
            ADMIN,
            weth,
            vault,
            registry,
            implementation,
            u(STAKE),
        )
            .abi_encode_params();
        let membership = deploy(&mut chain, "membership", Some(&membership_args), &mut oversize).0;
        let pool_account = chain
            .read(membership, &IMembership::accountOfCall { tokenId: U256::ZERO })
            .expect("pool account");
        ok(
            chain.call(
                ADMIN,
                ledger,
                U256::ZERO,
                ILedger::setPoolCall { pool: pool_account, poolBps: POOL_BPS }.abi_encode(),
            ),
            "ledger setPool",
        );
        ok(
            chain.call(
                ADMIN,
                ledger,
                U256::ZERO,
                ILedger::setMarketCall { market: MARKET }.abi_encode(),
            ),
            "ledger setMarket",
        );
        Community {
            chain,
            registry,
            implementation,
            weth,
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
        let joined = r.events::<IMembership::Joined>();
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
        let joined = r.events::<IMembership::Joined>();
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
            IAccount::executeCall { to, value: U256::ZERO, data: Bytes::from(data), operation: 0 }
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
            IVault::redeemEthCall { shares, receiver: owner, owner: account }.abi_encode(),
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
                IWeth::mintCall { to: self.source, amount }.abi_encode(),
            ),
            "yield mint",
        );
    }

    pub fn harvest(&mut self) -> Receipt {
        self.chain.call(KEEPER, self.vault, U256::ZERO, IVault::harvestCall {}.abi_encode())
    }

    pub fn weth_of(&mut self, who: Address) -> U256 {
        self.chain.read(self.weth, &IWeth::balanceOfCall { who }).unwrap()
    }
    pub fn shares(&mut self, who: Address) -> U256 {
        self.chain.read(self.vault, &IVault::balanceOfCall { who }).unwrap()
    }
    pub fn supply(&mut self) -> U256 {
        self.chain.read(self.vault, &IVault::totalSupplyCall {}).unwrap()
    }
    pub fn spendable(&mut self, account: Address) -> U256 {
        self.chain.read(self.ledger, &ILedger::spendableCall { account }).unwrap()
    }
    pub fn reserved(&mut self, account: Address) -> U256 {
        self.chain.read(self.ledger, &ILedger::reservedCall { account }).unwrap()
    }
    /// (accounted, owed to the market, unconverted).
    pub fn totals(&mut self) -> (U256, U256, U256) {
        let t = self.chain.read(self.ledger, &ILedger::totalsCall {}).unwrap();
        (t._0, t._1, t._2)
    }
    /// Value of the vault's position in the source plus its idle WETH.
    pub fn vault_value(&mut self) -> U256 {
        let s = self.chain.read(self.source, &ISource::balanceOfCall { who: self.vault }).unwrap();
        let pos = if s.is_zero() {
            U256::ZERO
        } else {
            self.chain.read(self.source, &ISource::convertToAssetsCall { shares: s }).unwrap()
        };
        pos + self.weth_of(self.vault)
    }
    /// What the source holds plus the vault's idle WETH (exact: the vault is the source's
    /// only depositor).
    pub fn assets_held(&mut self) -> U256 {
        self.chain.read(self.source, &ISource::totalAssetsCall {}).unwrap()
            + self.weth_of(self.vault)
    }
    /// Yield attributed and not yet harvested (owed to the ledger, senior to principal).
    pub fn pending_yield(&mut self) -> U256 {
        // The vault's getter is being reshaped: `config()` (15 values, pending 13th) in the
        // newest version, `state()` (pending 3rd) before.
        match self.chain.read(self.vault, &IVault::configCall {}) {
            Ok(c) => c._12,
            Err(_) => {
                self.chain
                    .read(self.vault, &IVault::stateCall {})
                    .expect("vault config() or state()")
                    ._2
            }
        }
    }
    pub fn owner_of(&mut self, id: U256) -> Address {
        self.chain.read(self.membership, &IMembership::ownerOfCall { id }).unwrap()
    }
    pub fn now(&self) -> u64 {
        self.chain.block().timestamp
    }
    pub fn warp_by(&mut self, seconds: u64) {
        let t = self.now() + seconds;
        self.chain.warp(t);
    }
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

pub fn _unused(_: B256) {}

/// Solvency invariants of DESIGN section 3 over the accounts the caller knows (every
/// holder of shares or credits): panics with `ctx` on the first broken one.
/// - vault position + idle >= principal owed, unless in deficit;
/// - Σ shares over `holders` == total supply;
/// - ledger WETH == accounted + unconverted, and accounted >= Σ credits + Σ reserved + owed.
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
    let balance = c.weth_of(c.ledger);
    assert_eq!(
        balance,
        accounted + unconverted,
        "{ctx}: ledger balance != accounted + unconverted"
    );
    let claims = credits + reserved + owed;
    assert!(accounted >= claims, "{ctx}: ledger books {accounted} < claims {claims} (credits {credits}, reserved {reserved}, owed {owed})");
    (credits, reserved, owed, accounted - claims)
}

sol! {
    interface IModels {
        function registerModel(bytes metadata_uri, bytes32 weights_hash, uint8 unit_kind, address collection, address registry, address implementation) external returns (uint256);
        function access(uint256 id, address requester, uint256 token_id, bytes32 salt) external view returns (uint8);
    }
    interface IMarket {
        function setParams(uint256 min_bond, uint64 unbond_delay, uint64 challenge_window, uint64 min_window, uint64 callback_gas, uint16 slash_bps) external;
        function grantRole(bytes32 role, address account) external;
        function joinProvider(bytes endpoint, uint256 bond) external;
        function setPrice(uint256 model, uint256 price) external;
        function withdraw() external;
        function provider(address provider, uint256 model) external view returns (uint256, uint64, uint64, uint256, uint256);
        function request(uint256 model, address provider, uint256 max_credits, bytes32 input_hash, bytes input_uri, uint64 deadline, uint256 token_id, bytes32 salt) external returns (uint256);
        function fulfil(uint256 job, bytes32 output_hash, bytes output_uri, uint256 units) external;
        function accept(uint256 job) external;
        function dispute(uint256 job) external;
        function resolve(uint256 job, uint16 refund_bps) external;
        function cancel(uint256 job) external;
        function job(uint256 id) external view returns (address, address, uint8, uint64, uint64, uint256, uint256, uint256);
        error NoAccess(address, uint256, uint8);
        error OutOfTime(uint256, uint64);
        error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
        event JobRequested(uint256 indexed id, address indexed requester, address indexed provider, uint256 model, uint256 maxCredits, uint256 price, bytes32 inputHash, bytes inputURI, uint64 deadline);
        event JobSettled(uint256 indexed id, uint256 paid, uint256 refund, uint256 slashed);
    }
}

pub const ARBITER: Address = Address::new([0xAB; 20]);
/// The market's role ids: `keccak256("ARBITER_ROLE")`, `keccak256("GUARDIAN_ROLE")`.
pub fn market_role(name: &str) -> B256 {
    local_chain::keccak256(name.as_bytes())
}
pub const BOND: u128 = ETH;
pub const CHALLENGE_WINDOW: u64 = DAY;
pub const MIN_WINDOW: u64 = 3_600;
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
            Some(&(ADMIN,).abi_encode_params()),
            &mut oversize,
        )
        .0;
        let args = (ADMIN, self.ledger, self.weth, models).abi_encode_params();
        let (market, constructed) =
            deploy(&mut self.chain, "job-market", Some(&args), &mut oversize);
        assert!(constructed, "job-market has no initialiser: it must deploy directly");
        self.oversize = oversize;
        let reg = IModels::registerModelCall {
            metadata_uri: Bytes::from_static(b"ipfs://models/open-8b-chat.json"),
            weights_hash: local_chain::keccak256(b"an open 8B chat model"),
            unit_kind: 0,
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
                IMarket::setParamsCall {
                    min_bond: u(BOND),
                    unbond_delay: 7 * DAY,
                    challenge_window: CHALLENGE_WINDOW,
                    min_window: MIN_WINDOW,
                    callback_gas: 50_000,
                    slash_bps: SLASH_BPS,
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
                    IMarket::grantRoleCall { role: market_role(role), account }.abi_encode(),
                ),
                "market roles",
            );
        }
        ok(
            self.chain.call(
                ADMIN,
                self.ledger,
                U256::ZERO,
                ILedger::setMarketCall { market }.abi_encode(),
            ),
            "ledger market",
        );
        for (p, price) in PROVIDERS.iter().zip(PRICES) {
            ok(
                self.chain.call(
                    ADMIN,
                    self.weth,
                    U256::ZERO,
                    IWeth::mintCall { to: *p, amount: u(BOND) }.abi_encode(),
                ),
                "bond mint",
            );
            ok(
                self.chain.call(
                    *p,
                    self.weth,
                    U256::ZERO,
                    IWeth::approveCall { spender: market, value: u(BOND) }.abi_encode(),
                ),
                "bond approve",
            );
            ok(
                self.chain.call(
                    *p,
                    market,
                    U256::ZERO,
                    IMarket::joinProviderCall {
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
                    IMarket::setPriceCall { model, price: u(price) }.abi_encode(),
                ),
                "set price",
            );
        }
        Market { models, market, model }
    }
}
