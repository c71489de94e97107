pub mod community;
