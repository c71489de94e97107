pub mod community;
pub mod peers;
