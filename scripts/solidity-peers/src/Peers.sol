// SPDX-License-Identifier: MIT
// The OpenZeppelin contracts a user would deploy instead of ours, made concrete with the
// least code: the gas comparison (`scenario-tests` bench `gas_vs_solidity`) runs them beside
// the Stylus artifacts on the local chain.
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// ERC-20 with WETH's `deposit` (the peer of mock-erc20, which wraps ETH too) and an open
/// `mint` (as the mock has) for test setup.
contract PeerToken is ERC20 {
    constructor() ERC20("T", "T") {
        _mint(msg.sender, 1e24);
    }

    function deposit() external payable {
        _mint(msg.sender, msg.value);
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// ERC-721 with an open `mint` (the peer of mock-erc721).
contract PeerNFT is ERC721 {
    constructor() ERC721("N", "N") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

/// A plain ERC-4626 over an ERC-20 (the peer of mock-yield-source).
contract PeerVault is ERC4626 {
    constructor(IERC20 asset_) ERC20("V", "V") ERC4626(asset_) {}
}

/// An ERC-4626 that puts what it receives into another ERC-4626 over the same asset (the
/// peer of yield-vault over mock-yield-source): deposits go straight into the inner vault,
/// withdrawals come out of it, the assets are the inner shares' value.
contract PeerWrapVault is ERC4626 {
    using SafeERC20 for IERC20;

    IERC4626 public immutable inner;

    constructor(IERC4626 inner_) ERC20("W", "W") ERC4626(IERC20(inner_.asset())) {
        inner = inner_;
    }

    function totalAssets() public view override returns (uint256) {
        return inner.previewRedeem(inner.balanceOf(address(this)));
    }

    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        super._deposit(caller, receiver, assets, shares);
        IERC20(asset()).forceApprove(address(inner), assets);
        inner.deposit(assets, address(this));
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        inner.withdraw(assets, address(this), address(this));
        super._withdraw(caller, receiver, owner, assets, shares);
    }
}

interface IRegistry {
    function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        external
        returns (address);
}

interface IWeth {
    function deposit() external payable;
}

/// What membership.join does, in Solidity: an ERC-721 whose `join` (exactly `stake` of ETH)
/// mints the next id to the caller, creates its ERC-6551 account, wraps the ETH and deposits
/// it into the vault for the account.
contract PeerJoin is ERC721 {
    using SafeERC20 for IERC20;

    error WrongEthAmount(uint256 sent, uint256 stake);

    event Joined(address indexed member, uint256 indexed tokenId, address account, uint256 assets, uint256 shares);

    IERC20 public immutable asset;
    IERC4626 public immutable vault;
    IRegistry public immutable registry;
    address public immutable implementation;
    uint256 public immutable stake;
    uint256 public nextTokenId;

    constructor(IERC20 asset_, IERC4626 vault_, IRegistry registry_, address implementation_, uint256 stake_)
        ERC721("J", "J")
    {
        asset = asset_;
        vault = vault_;
        registry = registry_;
        implementation = implementation_;
        stake = stake_;
    }

    function join() external payable returns (uint256 tokenId) {
        if (msg.value != stake) revert WrongEthAmount(msg.value, stake);
        tokenId = nextTokenId++;
        _mint(msg.sender, tokenId);
        address account = registry.createAccount(implementation, bytes32(0), block.chainid, address(this), tokenId);
        IWeth(address(asset)).deposit{value: msg.value}();
        asset.forceApprove(address(vault), msg.value);
        uint256 shares = vault.deposit(msg.value, account);
        emit Joined(msg.sender, tokenId, account, msg.value, shares);
    }
}
