//! lua-bytecode: skeleton, see docs/ARCHITECTURE.md. Being built.
