//! lua-tables: skeleton, see docs/ARCHITECTURE.md. Being built.
