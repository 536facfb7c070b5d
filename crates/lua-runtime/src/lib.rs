//! lua-runtime: skeleton, see docs/ARCHITECTURE.md. Being built.
pub mod strlib;
