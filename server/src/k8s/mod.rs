//! Facts about Kubernetes itself: the Quantity grammar, name rules and messages, image defaults.

pub mod image;
pub mod names;
pub mod quantity;
